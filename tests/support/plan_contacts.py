"""The plan contacts a production process needs to start (R-NOT-8), synthetic values."""

PLAN_CONTACTS_ENV = {
    "PLAN_MEMBER_SERVICES_PHONE": "1-800-555-0190",
    "PLAN_MEMBER_SERVICES_TTY": "1-800-555-0191",
    "PLAN_MEMBER_SERVICES_HOURS": "8 a.m. to 5 p.m., Monday to Friday",
    "PLAN_MAILING_ADDRESS": "Test Plan, PO Box 0190, Exampletown, CA 90000",
    "PLAN_PHYSICIAN_DIRECT_PHONE": "1-800-555-0192",
}
