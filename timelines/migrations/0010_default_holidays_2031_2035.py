"""Extend the plan's default holiday calendar through 2035 (R-DL-17, issue 18 finding 5).

The same rules as 0002_default_holidays: the plan's ten paid days off (US federal days
off the plan observes plus the day after Thanksgiving), on the weekday the office is
closed (a Saturday holiday is observed the Friday before, a Sunday one the Monday after;
so New Year's Day 2033, a Saturday, is observed Fri 2032-12-31). Generated once with the
pinned `holidays` package and written out literally so the migration never changes with
a library upgrade. Days an Administrator already entered are left as they are.
"""

from django.db import migrations

DEFAULT_HOLIDAYS_2031_2035 = [
    ("2031-01-01", "New Year's Day"),
    ("2031-01-20", "Martin Luther King Jr. Day"),
    ("2031-02-17", "Presidents' Day"),
    ("2031-05-26", "Memorial Day"),
    ("2031-06-19", "Juneteenth"),
    ("2031-07-04", "Independence Day"),
    ("2031-09-01", "Labor Day"),
    ("2031-11-27", "Thanksgiving Day"),
    ("2031-11-28", "Day after Thanksgiving"),
    ("2031-12-25", "Christmas Day"),
    ("2032-01-01", "New Year's Day"),
    ("2032-01-19", "Martin Luther King Jr. Day"),
    ("2032-02-16", "Presidents' Day"),
    ("2032-05-31", "Memorial Day"),
    ("2032-06-18", "Juneteenth (observed)"),
    ("2032-07-05", "Independence Day (observed)"),
    ("2032-09-06", "Labor Day"),
    ("2032-11-25", "Thanksgiving Day"),
    ("2032-11-26", "Day after Thanksgiving"),
    ("2032-12-24", "Christmas Day (observed)"),
    ("2032-12-31", "New Year's Day (observed)"),
    ("2033-01-17", "Martin Luther King Jr. Day"),
    ("2033-02-21", "Presidents' Day"),
    ("2033-05-30", "Memorial Day"),
    ("2033-06-20", "Juneteenth (observed)"),
    ("2033-07-04", "Independence Day"),
    ("2033-09-05", "Labor Day"),
    ("2033-11-24", "Thanksgiving Day"),
    ("2033-11-25", "Day after Thanksgiving"),
    ("2033-12-26", "Christmas Day (observed)"),
    ("2034-01-02", "New Year's Day (observed)"),
    ("2034-01-16", "Martin Luther King Jr. Day"),
    ("2034-02-20", "Presidents' Day"),
    ("2034-05-29", "Memorial Day"),
    ("2034-06-19", "Juneteenth"),
    ("2034-07-04", "Independence Day"),
    ("2034-09-04", "Labor Day"),
    ("2034-11-23", "Thanksgiving Day"),
    ("2034-11-24", "Day after Thanksgiving"),
    ("2034-12-25", "Christmas Day"),
    ("2035-01-01", "New Year's Day"),
    ("2035-01-15", "Martin Luther King Jr. Day"),
    ("2035-02-19", "Presidents' Day"),
    ("2035-05-28", "Memorial Day"),
    ("2035-06-19", "Juneteenth"),
    ("2035-07-04", "Independence Day"),
    ("2035-09-03", "Labor Day"),
    ("2035-11-22", "Thanksgiving Day"),
    ("2035-11-23", "Day after Thanksgiving"),
    ("2035-12-25", "Christmas Day"),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("timelines", "Holiday")
    for day, name in DEFAULT_HOLIDAYS_2031_2035:
        Holiday.objects.get_or_create(date=day, defaults={"name": name, "source": "seed"})


def unseed(apps, schema_editor):
    Holiday = apps.get_model("timelines", "Holiday")
    days = [day for day, _ in DEFAULT_HOLIDAYS_2031_2035]
    Holiday.objects.filter(source="seed", date__in=days).delete()


class Migration(migrations.Migration):
    dependencies = [("timelines", "0002_default_holidays")]

    operations = [migrations.RunPython(seed, unseed)]
