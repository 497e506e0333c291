// The door's rules in the browser, for deciding with no network. The order of the checks
// comes from the server's door_rules.json (sent in each sync); this file implements each
// named check exactly as app/services/checkin.py does, and reads badge codes exactly as
// app/services/codes.py writes them. Tests run the same cases through both.
(function () {
  "use strict";

  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const CODE_LENGTH = 116;
  const PAYLOAD_BYTES = 8;
  const FORMAT_VERSION = 1;
  const SIGNED_PREFIX = new TextEncoder().encode("LANYARD-BADGE");
  const SERIAL = /^B(\d{6,8})-(\d{1,3})$/;

  function clean(text) {
    return String(text || "").replace(/\s+/g, "").toUpperCase();
  }

  // RFC 4648 Base32 without padding; null unless `text` is the one spelling of its bytes.
  function base32Decode(text) {
    const out = [];
    let buffer = 0;
    let bits = 0;
    for (const ch of text) {
      const value = ALPHABET.indexOf(ch);
      if (value < 0) return null;
      buffer = (buffer << 5) | value;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.push((buffer >> bits) & 0xff);
        buffer &= (1 << bits) - 1;
      }
    }
    return buffer === 0 ? new Uint8Array(out) : null;  // unused bits must be zero
  }

  function parseCode(text) {
    const code = clean(text);
    if (code.length !== CODE_LENGTH) return null;
    const raw = base32Decode(code);
    if (!raw || raw[0] !== FORMAT_VERSION) return null;
    return {
      keyNumber: raw[1],
      eventId: (raw[2] << 8) | raw[3],
      badgeId: (raw[4] << 16) | (raw[5] << 8) | raw[6],
      version: raw[7],
      payload: raw.slice(0, PAYLOAD_BYTES),
      signature: raw.slice(PAYLOAD_BYTES),
    };
  }

  function parseSerial(text) {
    const match = SERIAL.exec(clean(text));
    return match ? {badgeId: Number(match[1]), version: Number(match[2])} : null;
  }

  const importedKeys = new Map();

  async function verify(parsed, publicKeyBase64) {
    let key = importedKeys.get(publicKeyBase64);
    if (!key) {
      const raw = Uint8Array.from(atob(publicKeyBase64), (c) => c.charCodeAt(0));
      key = await crypto.subtle.importKey("raw", raw, {name: "Ed25519"}, false, ["verify"]);
      importedKeys.set(publicKeyBase64, key);
    }
    const signed = new Uint8Array(SIGNED_PREFIX.length + PAYLOAD_BYTES);
    signed.set(SIGNED_PREFIX);
    signed.set(parsed.payload, SIGNED_PREFIX.length);
    return crypto.subtle.verify({name: "Ed25519"}, key, parsed.signature, signed);
  }

  // What the device knows about the badge a code or typed serial names (the "code" check).
  async function identify(snapshot, text, manual) {
    let id;
    if (manual) {
      id = parseSerial(text);
      if (!id) return {refusal: "unknown_code"};
    } else {
      const parsed = parseCode(text);
      if (!parsed) return {refusal: "unknown_code"};
      const key = snapshot.keys.find((k) => k.number === parsed.keyNumber);
      if (parsed.eventId !== snapshot.event.id || !key || !(await verify(parsed, key.public_key))) {
        return {refusal: "invalid_signature"};
      }
      id = parsed;
    }
    const stopped = snapshot.stopped.find((s) => s[0] === id.badgeId && s[1] === id.version);
    if (stopped) return {stopped: stopped[2], badgeId: id.badgeId};
    const entry = snapshot.roster.find((e) => e.badge_id === id.badgeId && e.version === id.version);
    if (entry) return {entry: entry};
    const other = snapshot.others.find((o) => o[0] === id.badgeId && o[1] === id.version);
    if (other) return {entry: {badge_id: other[0], status: other[2], handed_over: other[3], zones: []}};
    return {refusal: "unknown_code"};  // issued after this device's last sync
  }

  // The day at the venue, as YYYY-MM-DD, for the validity days.
  function venueDay(moment, timeZone) {
    try {
      return new Intl.DateTimeFormat("en-CA", {timeZone: timeZone, year: "numeric", month: "2-digit",
                                               day: "2-digit"}).format(moment);
    } catch (error) {
      return moment.toISOString().slice(0, 10);  // a zone this browser does not know: UTC
    }
  }

  const CHECKS = {
    code: (f) => f.refusal || null,
    revoked: (f) => f.stopped || null,
    cleared: (f) => (f.entry.status === "approved_awaiting_clearance" ? "not_cleared" : null),
    approved: (f) => (f.entry.status === "ready" ? null : "not_approved"),
    handed_over: (f) => (f.entry.handed_over ? null : "not_handed_over"),
    direction: (f) => (f.checkpoint.directions === "both" || f.checkpoint.directions === f.direction
      ? null : "wrong_direction"),
    exit: (f) => (f.direction === "out" ? "accepted" : null),
    validity: (f) => {
      const day = venueDay(f.when, f.event.timezone);
      return f.event.starts_on <= day && day <= f.event.ends_on ? null : "not_valid_now";
    },
    zone: (f) => (!f.checkpoint.zone || f.entry.zones.some((z) => z.code === f.checkpoint.zone)
      ? null : "wrong_checkpoint"),
    single_entry: (f) => (f.checkpoint.single_entry && f.inside ? "already_inside" : null),
  };

  // facts: {refusal, stopped, entry, direction, when (Date), inside (bool)} plus the snapshot's
  // event and checkpoint.
  function decide(snapshot, facts) {
    const all = Object.assign({event: snapshot.event, checkpoint: snapshot.checkpoint}, facts);
    for (const rule of snapshot.rules.checks) {
      const check = CHECKS[rule.check];
      if (!check) throw new Error("This door page does not know the rule " + rule.check + "; reload it.");
      const verdict = check(all);
      if (verdict) return verdict;
    }
    return "accepted";
  }

  window.LanyardRules = {parseCode, parseSerial, verify, identify, decide, venueDay,
                         checks: Object.keys(CHECKS)};
})();
