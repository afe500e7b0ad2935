"""Seed the embargoed places list (DOMAIN.md "Places").

The data is written out here, not imported from the app, so this migration
keeps meaning what it meant when it ran. Operators correct it in the admin.
"""

from datetime import date

from django.db import migrations

OFAC = "https://ofac.treasury.gov/sanctions-programs-and-country-information/"
EAR_746 = "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-746"
FAQ_1009 = "https://ofac.treasury.gov/faqs/1009"
COMPILED = date(2026, 11, 30)

FAQ_1009_NOTE = (
    "OFAC FAQ 1009: the sanctions on the so-called Donetsk People's Republic and "
    "Luhansk People's Republic regions do not cover the whole Donetsk and Luhansk "
    "oblasts. GeoIP data resolves only to the oblast, so blocking {code} over-blocks: "
    "a denial here may be of a person outside the sanctioned region."
)

PLACES = [
    {
        "code": "CU",
        "name": "Cuba",
        "kind": "country",
        "regime": "OFAC Cuban Assets Control Regulations (31 CFR part 515); EAR 15 CFR 746.2",
        "source_url": OFAC + "cuba-sanctions",
        "note": "",
    },
    {
        "code": "IR",
        "name": "Iran",
        "kind": "country",
        "regime": "OFAC Iranian Transactions and Sanctions Regulations (31 CFR part 560); "
        "EAR 15 CFR 746.7",
        "source_url": OFAC + "iran-sanctions",
        "note": "",
    },
    {
        "code": "KP",
        "name": "North Korea",
        "kind": "country",
        "regime": "OFAC North Korea Sanctions Regulations (31 CFR part 510); EAR 15 CFR 746.4",
        "source_url": OFAC + "north-korea-sanctions",
        "note": "",
    },
    {
        "code": "SY",
        "name": "Syria",
        "kind": "country",
        "regime": "EAR 15 CFR 746.9; OFAC Syria program (most sanctions lifted 2025-07-01)",
        "source_url": EAR_746,
        "note": "OFAC lifted most Syria sanctions on 2025-07-01; EAR controls still apply. "
        "Keep or deactivate this entry on your counsel's advice.",
    },
    {
        "code": "UA-43",
        "name": "Crimea",
        "kind": "region",
        "regime": "Executive Order 13685 (Crimea region of Ukraine); EAR 15 CFR 746.6",
        "source_url": OFAC + "ukraine-russia-related-sanctions",
        "note": "",
    },
    {
        "code": "UA-40",
        "name": "Sevastopol",
        "kind": "region",
        "regime": "Executive Order 13685 (Crimea region of Ukraine); EAR 15 CFR 746.6",
        "source_url": OFAC + "ukraine-russia-related-sanctions",
        "note": "",
    },
    {
        "code": "UA-14",
        "name": "Donetsk oblast",
        "kind": "region",
        "regime": "Executive Order 14065 (so-called DNR region); EAR 15 CFR 746.6",
        "source_url": FAQ_1009,
        "note": FAQ_1009_NOTE.format(code="UA-14"),
    },
    {
        "code": "UA-09",
        "name": "Luhansk oblast",
        "kind": "region",
        "regime": "Executive Order 14065 (so-called LNR region); EAR 15 CFR 746.6",
        "source_url": FAQ_1009,
        "note": FAQ_1009_NOTE.format(code="UA-09"),
    },
]


def seed(apps, schema_editor):
    EmbargoedPlace = apps.get_model("geo", "EmbargoedPlace")
    for place in PLACES:
        EmbargoedPlace.objects.get_or_create(
            code=place["code"], defaults={**place, "as_of": COMPILED, "active": True}
        )


def unseed(apps, schema_editor):
    EmbargoedPlace = apps.get_model("geo", "EmbargoedPlace")
    EmbargoedPlace.objects.filter(code__in=[place["code"] for place in PLACES]).delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_embargoed_places_and_signals")]

    operations = [migrations.RunPython(seed, unseed)]
