import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from cases.codes import diagnosis_code_lookup, diagnosis_code_suggest, procedure_code_parse


@pytest.mark.parametrize(
    ("raw", "system", "code"),
    [
        ("99213", "CPT", "99213"),
        ("0394t", "CPT", "0394T"),
        ("1234F", "CPT", "1234F"),
        ("J9271", "HCPCS", "J9271"),
        (" e0784 ", "HCPCS", "E0784"),
    ],
)
def test_it_accepts_cpt_and_hcpcs_formats(raw, system, code):
    parsed = procedure_code_parse(raw)
    assert (parsed.system, parsed.code) == (system, code)


@pytest.mark.parametrize("raw", ["9921", "992134", "1234X", "W1234", "Z9999", "J927", "", "ABCDE"])
def test_it_refuses_malformed_procedure_codes_naming_them(raw):
    with pytest.raises(ValidationError) as exc:
        procedure_code_parse(raw)
    assert f"“{raw.strip()}”" in exc.value.messages[0]


@given(st.from_regex(r"\A[A-V][0-9]{4}\Z"))
def test_every_hcpcs_shape_is_accepted(code):
    assert procedure_code_parse(code).system == "HCPCS"


def test_it_describes_a_billable_icd10_code():
    found = diagnosis_code_lookup("e119")
    assert found.code == "E11.9"
    assert found.description == "Type 2 diabetes mellitus without complications"


def test_it_refuses_a_code_that_only_looks_right():
    # Well-formed but not in the code set: a regex alone would accept it.
    with pytest.raises(ValidationError) as exc:
        diagnosis_code_lookup("E11.99999")
    assert "not a code in the current ICD-10-CM code set" in exc.value.messages[0]
    assert "E11.99999" in exc.value.messages[0]


def test_it_refuses_a_category_that_is_not_billable():
    with pytest.raises(ValidationError) as exc:
        diagnosis_code_lookup("E11")
    assert "not a billable code" in exc.value.messages[0]


def test_suggestions_are_billable_codes_with_descriptions():
    results = diagnosis_code_suggest("C44.9")
    assert results
    assert all(r.code.startswith("C44.9") for r in results)
    assert "C44.91" in {r.code for r in results}
