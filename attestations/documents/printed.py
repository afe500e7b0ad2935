"""Does the printed page say what its MRZ says? Field by field, with the difference named.

The printed fields (the visual inspection zone) and the MRZ are two renderings
of one record; a page made to carry a computed MRZ, or an MRZ pasted onto
someone else's page, shows two records. Each MRZ field is looked for in the
text read from the page: anywhere (labels differ between issuers and
languages), in the form the page prints it (accents, apostrophes and spaces in
names, months in words, four-digit years). When it is not found, the value
printed under the field's label, if one was read, is named in the message.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pycountry

from attestations.documents.dates import printed_dates
from attestations.mrz import Check, MrzDate, MrzFields
from attestations.mrz.names import name_part_matches
from attestations.ocr.viz import TextLine

# Letters OCR confuses with digits, mapped both ways to one symbol, for document numbers.
_SAME_SHAPE = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2",
                             "S": "5", "B": "8", "G": "6"})  # fmt: skip
# OCR's stray marks inside a word (O@STERGARD for ØSTERGÅRD) are dropped, not split on.
_NAME_JUNK = re.compile(r"[^\w'\u2019\- ]+")
_MAX_NAME_WORDS = 6
_SPELLED = {"AE": "A", "OE": "O", "UE": "U", "AA": "A"}
# At most this many two-letter spellings are undone in one name (2^4 variants).
_MAX_PLACES = 4

_LABELS = {
    "printed_surname": ("SURNAME", "NOM", "LAST NAME", "FAMILY NAME", "APELLIDOS"),
    "printed_given_names": ("GIVEN NAMES?", "PRENOMS", "FIRST NAMES?", "NOMBRES"),
    "printed_document_number": (
        "PASSPORT NO", "PASSPORT NUMBER", "DOCUMENT NO", "CARD NO", "CARD ?#", "DOCUMENT NUMBER",
    ),
    "printed_birth_date": ("DATE OF BIRTH", "BIRTH DATE", "DATE DE NAISSANCE", "DOB"),
    "printed_expiry_date": (
        "DATE OF EXPIRATION", "DATE OF EXPIRY", "EXPIRES", "EXPIRY", "VALID UNTIL",
        "DATE D EXPIRATION",
    ),
    "printed_nationality": ("NATIONALITY", "NATIONALITE"),
}  # fmt: skip
_LABEL_PATTERNS = {
    name: re.compile(r"\b(?:" + "|".join(labels) + r")\b") for name, labels in _LABELS.items()
}
_WHAT = {
    "printed_surname": "surname",
    "printed_given_names": "given names",
    "printed_document_number": "document number",
    "printed_birth_date": "date of birth",
    "printed_expiry_date": "expiry date",
    "printed_nationality": "nationality",
}


def fold(text: str) -> str:
    """Capitals without accents, punctuation other than date separators turned to spaces."""
    decomposed = unicodedata.normalize("NFKD", text.upper())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^A-Z0-9./\-# ]", " ", plain).split())


@dataclass(frozen=True, slots=True)
class PrintedText:
    """The text read from the page, as lines with boxes, and folded for searching."""

    lines: tuple[TextLine, ...]

    def folded(self) -> list[str]:
        return [fold(line.text) for line in self.lines]

    def labelled_value(self, check: str) -> str | None:
        """The text printed under (or after) the label of ``check``'s field, if one was read."""
        pattern = _LABEL_PATTERNS[check]
        for line in self.lines:
            match = pattern.search(fold(line.text))
            if match is None:
                continue
            after = fold(line.text)[match.end() :].strip(" /")
            if len(after) >= 2 and not any(p.search(after) for p in _LABEL_PATTERNS.values()):
                return after
            below = [
                other
                for other in self.lines
                if line.bottom - line.height * 0.3 <= other.top <= line.bottom + line.height * 2.5
                and abs(other.left - line.left) <= 2 * line.height
                and other is not line
            ]
            if below:
                return min(below, key=lambda other: other.top).text.strip()
        return None


def _name_candidates(lines: Sequence[TextLine]) -> list[str]:
    """Every run of up to a few consecutive words of every line: where a name could be."""
    candidates = []
    for line in lines:
        words = [word for word in _NAME_JUNK.sub("", line.text).split() if word.strip("'-")]
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + _MAX_NAME_WORDS) + 1):
                candidates.append(" ".join(words[start:end]))
    return candidates


def _without_spelled_letters(mrz_part: str) -> set[str]:
    """The MRZ part with ICAO's two-letter spellings (UE for Ü, AA for Å...) undone.

    OCR of the printed page often loses the diacritic (MÜLLER read as MULLER),
    which the MRZ spells out (MUELLER); undoing the spelling lets the two meet.
    """
    places = [match.start() for match in re.finditer(f"(?=({'|'.join(_SPELLED)}))", mrz_part)][
        :_MAX_PLACES
    ]
    variants = set()
    for chosen in itertools.product((False, True), repeat=len(places)):
        variant, shift = mrz_part, 0
        for place, undo in zip(places, chosen, strict=True):
            start = place - shift
            pair = variant[start : start + 2]
            if undo and pair in _SPELLED:
                variant = variant[:start] + _SPELLED[pair] + variant[start + 2 :]
                shift += 1
        variants.add(variant)
    return variants


def _name_shown(candidate: str, mrz_part: str, *, truncated: bool) -> bool:
    try:
        if name_part_matches(mrz_part, candidate, truncated=truncated):
            return True
        plain = fold(candidate)
        return any(
            name_part_matches(variant, plain, truncated=truncated)
            for variant in _without_spelled_letters(mrz_part) - {mrz_part}
        )
    except ValueError:  # letters without a Latin transliteration: not this name
        return False


def _result(check: str, text: PrintedText, found: bool, mrz_value: str) -> Check:
    what = _WHAT[check]
    if found:
        return Check(
            check, True, f"The {what} printed on the document matches its machine-readable lines."
        )
    printed = text.labelled_value(check)
    if printed:
        return Check(
            check,
            False,
            f"The {what} printed on the document ({printed}) does not match the "
            f"machine-readable lines ({mrz_value}).",
        )
    return Check(
        check,
        False,
        f"We could not find the {what} of the machine-readable lines ({mrz_value}) printed "
        "on the document.",
    )


def _date_check(check: str, text: PrintedText, value: MrzDate) -> Check:
    date = value.value
    shown = date.strftime("%d %b %Y").upper() if date else value.raw
    found = date is not None and any(
        printed.means(date) for folded in text.folded() for printed in printed_dates(folded)
    )
    return _result(check, text, found, shown)


def _one_edit_apart(first: str, second: str) -> bool:
    """Equal but for one character changed, added or dropped (Levenshtein distance <= 1)."""
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) <= 1
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def _number_shown(text: PrintedText, number: str) -> bool:
    """The number, or for a long one the number but for one character OCR misread.

    One misread character is forgiven in numbers of 8 characters or more: a
    number from another document differs in more than one.
    """
    wanted = number.translate(_SAME_SHAPE)
    for line in text.lines:
        # Before folding: OCR may read a letter in lower case ("UC65Hj561").
        tokens = re.sub(r"[^A-Z0-9 ]", " ", fold(line.text)).split()
        # A number may be printed in groups ("123 456 789").
        joined = [*tokens, *("".join(tokens[i : i + 3]) for i in range(len(tokens)))]
        joined += ["".join(tokens[i : i + 2]) for i in range(len(tokens))]
        for token in joined:
            seen = token.translate(_SAME_SHAPE)
            if seen == wanted or (len(wanted) >= 8 and _one_edit_apart(seen, wanted)):
                return True
    return False


def _country_names(code: str) -> list[str]:
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return []
    names = [
        getattr(country, attribute, None) for attribute in ("name", "official_name", "common_name")
    ]
    folded = [fold(name) for name in names if name]
    if code == "USA":
        folded.append("UNITED STATES")
    return folded


def _nationality_shown(text: PrintedText, code: str) -> bool:
    names = _country_names(code)
    for folded in text.folded():
        if code in folded.split():
            return True
        if any(re.search(rf"\b{re.escape(name)}\b", folded) for name in names):
            return True
    return False


def printed_checks(lines: Sequence[TextLine], fields: MrzFields) -> tuple[Check, ...]:
    """One check per MRZ field: surname, given names, number, dates of birth and expiry,
    nationality."""
    text = PrintedText(tuple(lines))
    name = fields.name
    candidates = _name_candidates(text.lines)
    surname_cut = name.truncated and not name.given_names
    surname_found = any(
        _name_shown(candidate, name.surname, truncated=surname_cut) for candidate in candidates
    )
    given_found = not name.given_names or any(
        _name_shown(candidate, name.given_names, truncated=name.truncated)
        for candidate in candidates
    )
    number_found = bool(fields.document_number) and _number_shown(text, fields.document_number)
    nationality = fields.nationality.strip("<")
    nationality_found = bool(nationality) and _nationality_shown(text, nationality)
    return (
        _result("printed_surname", text, surname_found, name.surname),
        _result("printed_given_names", text, given_found, name.given_names),
        _result("printed_document_number", text, number_found, fields.document_number),
        _date_check("printed_birth_date", text, fields.birth_date),
        _date_check("printed_expiry_date", text, fields.expiry_date),
        _result("printed_nationality", text, nationality_found, nationality),
    )
