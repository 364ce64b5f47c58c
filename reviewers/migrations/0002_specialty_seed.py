"""Seed the specialty list: the 24 ABMS member boards and common sub-specialties.

The data lives here, frozen, so that replaying migrations always gives the same list;
Administrators change it afterwards in the admin.
"""

from django.db import migrations

# board: [(sub-specialty, aliases)]; a board's own aliases are in BOARD_ALIASES.
BOARDS = {
    "Allergy and Immunology": [],
    "Anesthesiology": [("Pain Medicine", ["Pain Management"])],
    "Colon and Rectal Surgery": [],
    "Dermatology": [("Dermatopathology", []), ("Micrographic Dermatologic Surgery", ["Mohs Surgery"])],
    "Emergency Medicine": [("Medical Toxicology", ["Toxicology"])],
    "Family Medicine": [("Sports Medicine", [])],
    "Internal Medicine": [
        ("Cardiovascular Disease", ["Cardiology"]),
        ("Interventional Cardiology", []),
        ("Clinical Cardiac Electrophysiology", ["Electrophysiology"]),
        ("Advanced Heart Failure and Transplant Cardiology", ["Heart Failure"]),
        ("Medical Oncology", ["Oncology", "Hematology/Oncology", "Hematology-Oncology"]),
        ("Hematology", []),
        ("Gastroenterology", ["GI"]),
        ("Transplant Hepatology", ["Hepatology"]),
        ("Endocrinology, Diabetes and Metabolism", ["Endocrinology"]),
        ("Infectious Disease", ["Infectious Diseases"]),
        ("Nephrology", []),
        ("Pulmonary Disease", ["Pulmonology", "Pulmonary Medicine"]),
        ("Critical Care Medicine", ["Critical Care"]),
        ("Rheumatology", []),
        ("Geriatric Medicine", ["Geriatrics"]),
        ("Hospice and Palliative Medicine", ["Palliative Care"]),
        ("Sleep Medicine", []),
    ],
    "Medical Genetics and Genomics": [],
    "Neurological Surgery": [],
    "Nuclear Medicine": [],
    "Obstetrics and Gynecology": [
        ("Gynecologic Oncology", []),
        ("Maternal-Fetal Medicine", ["Perinatology"]),
        ("Reproductive Endocrinology and Infertility", ["Infertility"]),
        ("Urogynecology and Reconstructive Pelvic Surgery", ["Urogynecology"]),
    ],
    "Ophthalmology": [],
    "Orthopaedic Surgery": [("Orthopaedic Sports Medicine", [])],
    "Otolaryngology – Head and Neck Surgery": [("Neurotology", [])],
    "Pathology": [("Hematopathology", []), ("Cytopathology", [])],
    "Pediatrics": [
        ("Pediatric Cardiology", []),
        ("Pediatric Hematology-Oncology", ["Pediatric Oncology"]),
        ("Neonatal-Perinatal Medicine", ["Neonatology"]),
        ("Pediatric Gastroenterology", []),
        ("Pediatric Pulmonology", []),
        ("Pediatric Endocrinology", []),
        ("Pediatric Nephrology", []),
        ("Developmental-Behavioral Pediatrics", []),
    ],
    "Physical Medicine and Rehabilitation": [
        ("Spinal Cord Injury Medicine", []),
        ("Brain Injury Medicine", []),
    ],
    "Plastic Surgery": [("Surgery of the Hand", ["Hand Surgery"])],
    "Preventive Medicine": [("Occupational Medicine", [])],
    "Psychiatry and Neurology": [
        ("Psychiatry", []),
        ("Neurology", []),
        ("Child and Adolescent Psychiatry", ["Child Psychiatry"]),
        ("Addiction Psychiatry", []),
        ("Child Neurology", ["Pediatric Neurology"]),
        ("Clinical Neurophysiology", ["Epilepsy"]),
        ("Vascular Neurology", ["Stroke"]),
    ],
    "Radiology": [
        ("Diagnostic Radiology", []),
        ("Interventional Radiology", []),
        ("Radiation Oncology", []),
        ("Neuroradiology", []),
    ],
    "Surgery": [
        ("Vascular Surgery", []),
        ("Complex General Surgical Oncology", ["Surgical Oncology"]),
        ("Pediatric Surgery", []),
        ("Surgical Critical Care", []),
    ],
    "Thoracic Surgery": [("Congenital Cardiac Surgery", [])],
    "Urology": [("Pediatric Urology", [])],
}

BOARD_ALIASES = {
    "Allergy and Immunology": ["Allergy", "Immunology"],
    "Medical Genetics and Genomics": ["Genetics", "Medical Genetics"],
    "Neurological Surgery": ["Neurosurgery"],
    "Obstetrics and Gynecology": ["OB/GYN", "OBGYN", "Obstetrics", "Gynecology"],
    "Orthopaedic Surgery": ["Orthopedic Surgery", "Orthopedics", "Orthopaedics"],
    "Otolaryngology – Head and Neck Surgery": ["Otolaryngology", "ENT"],
    "Physical Medicine and Rehabilitation": ["PM&R", "Physiatry"],
    "Surgery": ["General Surgery"],
    "Thoracic Surgery": ["Cardiothoracic Surgery"],
    "Family Medicine": ["Family Practice"],
}

# Pairs that review each other's cases across (or within) boards.
SIMILAR = [
    ("Cardiovascular Disease", "Interventional Cardiology"),
    ("Cardiovascular Disease", "Clinical Cardiac Electrophysiology"),
    ("Cardiovascular Disease", "Advanced Heart Failure and Transplant Cardiology"),
    ("Cardiovascular Disease", "Pediatric Cardiology"),
    ("Medical Oncology", "Hematology"),
    ("Medical Oncology", "Radiation Oncology"),
    ("Medical Oncology", "Gynecologic Oncology"),
    ("Medical Oncology", "Complex General Surgical Oncology"),
    ("Medical Oncology", "Pediatric Hematology-Oncology"),
    ("Gastroenterology", "Transplant Hepatology"),
    ("Gastroenterology", "Pediatric Gastroenterology"),
    ("Pulmonary Disease", "Critical Care Medicine"),
    ("Pulmonary Disease", "Sleep Medicine"),
    ("Pulmonary Disease", "Pediatric Pulmonology"),
    ("Endocrinology, Diabetes and Metabolism", "Pediatric Endocrinology"),
    ("Nephrology", "Pediatric Nephrology"),
    ("Neurology", "Vascular Neurology"),
    ("Neurology", "Clinical Neurophysiology"),
    ("Neurology", "Child Neurology"),
    ("Psychiatry", "Child and Adolescent Psychiatry"),
    ("Psychiatry", "Addiction Psychiatry"),
    ("Orthopaedic Sports Medicine", "Sports Medicine"),
    ("Orthopaedic Surgery", "Surgery of the Hand"),
    ("Pain Medicine", "Physical Medicine and Rehabilitation"),
    ("Interventional Radiology", "Vascular Surgery"),
    ("Thoracic Surgery", "Congenital Cardiac Surgery"),
    ("Neurological Surgery", "Neuroradiology"),
    ("Diagnostic Radiology", "Nuclear Medicine"),
    ("Dermatopathology", "Pathology"),
    ("Urology", "Pediatric Urology"),
]


def seed(apps, schema_editor):
    Specialty = apps.get_model("reviewers", "Specialty")
    by_name = {}
    for board_name, subspecialties in BOARDS.items():
        board, _ = Specialty.objects.get_or_create(
            name=board_name, defaults={"aliases": "\n".join(BOARD_ALIASES.get(board_name, []))}
        )
        by_name[board_name] = board
        for name, aliases in subspecialties:
            by_name[name], _ = Specialty.objects.get_or_create(
                name=name, defaults={"board": board, "aliases": "\n".join(aliases)}
            )
    for left, right in SIMILAR:
        by_name[left].similar.add(by_name[right])


class Migration(migrations.Migration):
    dependencies = [("reviewers", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
