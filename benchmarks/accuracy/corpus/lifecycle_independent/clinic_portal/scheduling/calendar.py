import random
import uuid
from datetime import datetime, timedelta

from django.urls import reverse
from icalendar import Calendar, Event

CALENDAR_NAMESPACE = uuid.UUID("6f1c8e0a-3b7d-4c59-9a1e-2d4f7b8c9e01")


def event_uid(appointment) -> str:
    return f"{uuid.uuid5(CALENDAR_NAMESPACE, str(appointment.pk))}@clinic.example"


def private_feed_token(practitioner) -> str:
    return uuid.uuid5(CALENDAR_NAMESPACE, f"feed:{practitioner.pk}:{practitioner.email}").hex


def private_feed_url(request, practitioner) -> str:
    token = private_feed_token(practitioner)
    return request.build_absolute_uri(reverse("scheduling:ical-feed", args=[token]))


def checkin_code(appointment) -> str:
    code = str(uuid.uuid1())
    appointment.checkin_code = code
    appointment.save(update_fields=["checkin_code"])
    return code


def build_feed(appointments) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Clinic Portal//EN")
    cal.add("version", "2.0")
    for appt in appointments:
        event = Event()
        event.add("uid", event_uid(appt))
        event.add("dtstart", appt.starts_at)
        event.add("dtend", appt.starts_at + timedelta(minutes=appt.duration_minutes))
        event.add("summary", appt.kind.title())
        cal.add_component(event)
    return cal.to_ical()


def spread_reminders(appointments, window_minutes: int = 30) -> list[tuple[object, datetime]]:
    schedule = []
    for appt in appointments:
        offset = timedelta(minutes=random.randint(0, window_minutes))
        schedule.append((appt, appt.starts_at - timedelta(hours=24) + offset))
    return schedule


def assign_room(rooms: list[str]) -> str:
    return random.choice(rooms)
