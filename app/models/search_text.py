"""Names folded for searching: one function folds both what is stored and what the desk types,
so "nguyen thi hang" finds "Nguyễn Thị Thu Hằng" and "pena" finds "Peña"."""
from __future__ import annotations

import re
import unicodedata

# Letters that carry no combining mark to strip, and what a clerk types for them.
_LETTERS = str.maketrans({
    "đ": "d", "ð": "d", "ø": "o", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t", "þ": "th",
    "æ": "ae", "œ": "oe",
    # Arabic and Jawi letters typed in their plain form.
    "ى": "ي", "ة": "ه", "ـ": "",
})
# Apostrophes join ("Dato'", "O'Brien"); everything else that is not a letter or digit separates.
_JOINERS = re.compile("['\u2019\u02bc\u200c\u200d]")
_SEPARATORS = re.compile(r"[\W_]+")


def fold(text: str | None) -> str:
    """Lower case, no diacritics or tone marks, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Me"))
    text = _JOINERS.sub("", text.translate(_LETTERS))
    # NFC again puts Hangul syllables back together; NFKD took them apart into jamo.
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFC", text)).strip()


# Chinese is written without spaces: "陈伟明" is family name 陈 and given name 伟明.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]{2,}")


def delegate_search_text(delegate) -> str:
    """What the desk may find a person by, folded: their names in every form, reference,
    organisation, e-mail and the last four characters of their document. A Chinese name also
    gives each of its endings as a word, so a given name typed alone begins a word."""
    document = (delegate.passport_number or "")[-4:]
    parts = [delegate.printed_name, delegate.given_name, delegate.family_name,
             delegate.native_name, delegate.organisation, delegate.email, delegate.reference,
             delegate.reference.replace("-", "") if delegate.reference else "", document]
    parts += [run[i:] for run in _HAN.findall(delegate.native_name or "")
              for i in range(1, len(run))]
    return " ".join(dict.fromkeys(folded for folded in map(fold, parts) if folded))
