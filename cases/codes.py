"""Procedure and diagnosis codes (R-FILE-b, R-FILE-c).

CPT and HCPCS Level II are checked for format only: the AMA's CPT code set is
licensed and cannot ship here. ICD-10-CM is checked against the real code set
(the simple-icd-10-cm package, April 2026 release): only billable codes, i.e. leaves
of the classification, are accepted, with their official description.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError

_CPT = re.compile(r"^(\d{5}|\d{4}[FTU])$")
_HCPCS = re.compile(r"^[A-V]\d{4}$")


@dataclass(frozen=True)
class ProcedureCode:
    system: str  # "CPT" or "HCPCS"
    code: str


def procedure_code_parse(raw: str) -> ProcedureCode:
    """Normalize and classify a CPT (5 digits, or 4 digits + F/T/U) or HCPCS (A–V + 4 digits)."""
    code = raw.strip().upper()
    if _CPT.match(code):
        return ProcedureCode("CPT", code)
    if _HCPCS.match(code):
        return ProcedureCode("HCPCS", code)
    raise ValidationError(
        f"“{raw.strip()}” is not a CPT code (5 digits, or 4 digits followed by F, T or U) "
        "or a HCPCS Level II code (a letter A to V followed by 4 digits).",
        code="invalid_procedure_code",
    )


@lru_cache(maxsize=1)
def _icd():
    import simple_icd_10_cm

    return simple_icd_10_cm


@dataclass(frozen=True)
class DiagnosisCode:
    code: str  # with the dot, e.g. "E11.9"
    description: str


def diagnosis_code_lookup(raw: str) -> DiagnosisCode:
    """A current, billable ICD-10-CM code with its description, or a ValidationError naming it."""
    cleaned = raw.strip().upper().replace(" ", "")
    icd = _icd()
    if not cleaned or not icd.is_valid_item(cleaned):
        raise ValidationError(
            f"“{raw.strip()}” is not a code in the current ICD-10-CM code set.",
            code="unknown_diagnosis_code",
        )
    if not icd.is_leaf(cleaned):
        raise ValidationError(
            f"“{raw.strip()}” is an ICD-10-CM category, not a billable code: "
            "choose a more specific code.",
            code="non_billable_diagnosis_code",
        )
    code = icd.add_dot(icd.remove_dot(cleaned)) if len(icd.remove_dot(cleaned)) > 3 else cleaned
    return DiagnosisCode(code=code, description=icd.get_description(cleaned))


def diagnosis_code_suggest(prefix: str, *, limit: int = 15) -> list[DiagnosisCode]:
    """Billable codes starting with the prefix (for the intake form's type-ahead)."""
    cleaned = prefix.strip().upper().replace(".", "")
    if len(cleaned) < 2:
        return []
    icd = _icd()
    results = []
    for code in _billable_codes():
        if code.startswith(cleaned):
            dotted = icd.add_dot(code) if len(code) > 3 else code
            results.append(DiagnosisCode(dotted, icd.get_description(code)))
            if len(results) >= limit:
                break
    return results


@lru_cache(maxsize=1)
def _billable_codes() -> tuple[str, ...]:
    """Every billable code (a leaf: no other code extends it), without dots, sorted.

    Computed from the sorted code list in one pass; asking the package is_leaf() for
    each of the ~98,000 codes takes minutes.
    """
    codes = sorted(
        code
        for code in _icd().get_all_codes(with_dots=False)
        if "-" not in code and not code.isdigit()
    )
    return tuple(
        code
        for code, following in zip(codes, [*codes[1:], ""], strict=True)
        if not following.startswith(code)
    )
