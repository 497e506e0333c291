// The door device's own storage (IndexedDB): the last sync for each checkpoint, scans made
// offline that wait to upload, and the entries and exits this device saw since its last sync.
// All of it is erased when the door account logs out (the server's Clear-Site-Data header).
(function () {
  "use strict";

  const NAME = "lanyard-door";
  const VERSION = 1;

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function open() {
    const req = indexedDB.open(NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore("state");
      db.createObjectStore("queue", {keyPath: "nonce"});
      db.createObjectStore("moves", {keyPath: "nonce"});
    };
    return request(req).then((db) => {
      const run = (storeName, mode, work) => {
        const tx = db.transaction(storeName, mode);
        const result = work(tx.objectStore(storeName));
        return new Promise((resolve, reject) => {
          tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error);
        });
      };
      return {
        get: (storeName, key) => run(storeName, "readonly", (s) => s.get(key)),
        all: (storeName) => run(storeName, "readonly", (s) => s.getAll()),
        put: (storeName, value, key) => run(storeName, "readwrite",
                                            (s) => (key === undefined ? s.put(value) : s.put(value, key))),
        remove: (storeName, key) => run(storeName, "readwrite", (s) => s.delete(key)),
      };
    });
  }

  window.LanyardStore = {open};
})();
