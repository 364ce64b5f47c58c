"""Seed the plan's default holiday calendar for 2025–2030 (docs/timelines.md explains why).

The plan's paid days off, on the weekday the office is closed (a holiday on a Saturday
is observed the Friday before, on a Sunday the Monday after). Commemorative days that are
not days off (Susan B. Anthony Day, Diwali, Lincoln's Birthday, Native American Day) and
days the plan stays open (Cesar Chavez Day, Columbus / Indigenous Peoples' Day, Veterans
Day) are left out on purpose. The list was generated once with the `holidays` package
(US federal, observed) plus the day after Thanksgiving and is written out here so the
migration never changes with a library upgrade. Administrators edit the table after that.
"""

from django.db import migrations

DEFAULT_HOLIDAYS = [
    ("2025-01-01", "New Year's Day"),
    ("2025-01-20", "Martin Luther King Jr. Day"),
    ("2025-02-17", "Presidents' Day"),
    ("2025-05-26", "Memorial Day"),
    ("2025-06-19", "Juneteenth"),
    ("2025-07-04", "Independence Day"),
    ("2025-09-01", "Labor Day"),
    ("2025-11-27", "Thanksgiving Day"),
    ("2025-11-28", "Day after Thanksgiving"),
    ("2025-12-25", "Christmas Day"),
    ("2026-01-01", "New Year's Day"),
    ("2026-01-19", "Martin Luther King Jr. Day"),
    ("2026-02-16", "Presidents' Day"),
    ("2026-05-25", "Memorial Day"),
    ("2026-06-19", "Juneteenth"),
    ("2026-07-03", "Independence Day (observed)"),
    ("2026-09-07", "Labor Day"),
    ("2026-11-26", "Thanksgiving Day"),
    ("2026-11-27", "Day after Thanksgiving"),
    ("2026-12-25", "Christmas Day"),
    ("2027-01-01", "New Year's Day"),
    ("2027-01-18", "Martin Luther King Jr. Day"),
    ("2027-02-15", "Presidents' Day"),
    ("2027-05-31", "Memorial Day"),
    ("2027-06-18", "Juneteenth (observed)"),
    ("2027-07-05", "Independence Day (observed)"),
    ("2027-09-06", "Labor Day"),
    ("2027-11-25", "Thanksgiving Day"),
    ("2027-11-26", "Day after Thanksgiving"),
    ("2027-12-24", "Christmas Day (observed)"),
    ("2027-12-31", "New Year's Day (observed)"),
    ("2028-01-17", "Martin Luther King Jr. Day"),
    ("2028-02-21", "Presidents' Day"),
    ("2028-05-29", "Memorial Day"),
    ("2028-06-19", "Juneteenth"),
    ("2028-07-04", "Independence Day"),
    ("2028-09-04", "Labor Day"),
    ("2028-11-23", "Thanksgiving Day"),
    ("2028-11-24", "Day after Thanksgiving"),
    ("2028-12-25", "Christmas Day"),
    ("2029-01-01", "New Year's Day"),
    ("2029-01-15", "Martin Luther King Jr. Day"),
    ("2029-02-19", "Presidents' Day"),
    ("2029-05-28", "Memorial Day"),
    ("2029-06-19", "Juneteenth"),
    ("2029-07-04", "Independence Day"),
    ("2029-09-03", "Labor Day"),
    ("2029-11-22", "Thanksgiving Day"),
    ("2029-11-23", "Day after Thanksgiving"),
    ("2029-12-25", "Christmas Day"),
    ("2030-01-01", "New Year's Day"),
    ("2030-01-21", "Martin Luther King Jr. Day"),
    ("2030-02-18", "Presidents' Day"),
    ("2030-05-27", "Memorial Day"),
    ("2030-06-19", "Juneteenth"),
    ("2030-07-04", "Independence Day"),
    ("2030-09-02", "Labor Day"),
    ("2030-11-28", "Thanksgiving Day"),
    ("2030-11-29", "Day after Thanksgiving"),
    ("2030-12-25", "Christmas Day"),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("timelines", "Holiday")
    for day, name in DEFAULT_HOLIDAYS:
        Holiday.objects.get_or_create(date=day, defaults={"name": name, "source": "seed"})


def unseed(apps, schema_editor):
    Holiday = apps.get_model("timelines", "Holiday")
    Holiday.objects.filter(source="seed", date__in=[day for day, _ in DEFAULT_HOLIDAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("timelines", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
