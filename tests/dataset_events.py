"""Tiny hand-made Events for the dataset, version and diff tests (no real data)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from extractor.records import Event, Place

MOSUL = Place(0, 5, "Mosul", location="Mosul", country="Iraq", iso=368, region="Middle East",
              admin1="Ninewa", admin2="Mosul", latitude=36.33512, longitude=43.11889, geo_precision=1)
QAIM = Place(0, 5, "Al Qaim", location="Al Qaim", country="Iraq", iso=368, region="Middle East",
             admin1="Anbar", admin2="Al-Ka'im", latitude=34.39251, longitude=40.98945, geo_precision=2)
ALEPPO = Place(0, 6, "Aleppo", location="Aleppo", country="Syria", iso=760, region="Middle East",
               admin1="Aleppo", admin2="Jebel Saman", latitude=36.20278, longitude=37.15861, geo_precision=1)


def battle(article_id: str = "a1", day: int = 2, place: Place = MOSUL, **changes) -> Event:
    """A valid Battles/Armed clash event; ``changes`` override fields."""
    event = Event(
        event_date=dt.date(2024, 3, day), time_precision=1, event_type="Battles",
        sub_event_type="Armed clash", actor1="Military Forces of Iraq (2022-)", inter1=1,
        actor2="Islamic State (Iraq)", inter2=2, place=place, source="Test Wire",
        source_scale="National", notes="Clash reported.", fatalities=3, article_id=article_id,
        url=f"https://example.org/{article_id}", published=dt.date(2024, 3, 4), language="en",
        confidence=0.8, evidence="Troops clashed with IS fighters.", evidence_start=10, evidence_end=42,
    )
    return dataclasses.replace(event, **changes)


def attack(article_id: str = "a2", day: int = 3, place: Place = ALEPPO, **changes) -> Event:
    """A valid Violence against civilians/Attack event."""
    event = Event(
        event_date=dt.date(2024, 3, day), time_precision=1, event_type="Violence against civilians",
        sub_event_type="Attack", actor1="Unidentified Armed Group (Syria)", inter1=3,
        actor2="Civilians (Syria)", inter2=7, civilian_targeting="Civilians targeted", place=place,
        fatalities=1, article_id=article_id, published=dt.date(2024, 3, 5), language="ar",
        confidence=0.6, evidence="قتل مدني", evidence_start=0, evidence_end=8,
    )
    return dataclasses.replace(event, **changes)
