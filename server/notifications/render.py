"""What a notification says: subject, plain text and HTML in the recipient's language, with the
deep link to where they act and, for an opened round, its deadline as an iCalendar file.

Pure: the sender hands in the message and its link; nothing here reads the store. Every value
that came from a user is escaped in the HTML part.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import urlsplit

import icalendar

from server import glossary
from server.clock import clock_time, danish_datetime, english_date
from server.glossary import Language
from server.notifications.model import CHOOSABLE, Kind, Notification

Texts = tuple[str, str, str]  # subject, lead paragraph, call to action

_DA: dict[Kind, Texts] = {
    Kind.INVITATION: (
        "Invitation til Udkast",
        "Hej {name}. Sekretariatet har inviteret dig til Udkast for {organization}. Linket herunder kan "
        "bruges én gang og udløber {expires}.",
        "Vælg din adgangskode",
    ),
    Kind.ROUND_OPENED: (
        "Skriftlig proces: {round_title}",
        "{organization} skal tage stilling til »{document_title}« ({snapshot}) i den skriftlige proces "
        "»{round_title}«. Fristen er {deadline}; den er vedhæftet som kalenderfil.",
        "Afgiv jeres beslutning",
    ),
    Kind.ROUND_REMINDER: (
        "Påmindelse: {round_title} – frist {deadline}",
        "{organization} har endnu ikke afgivet beslutning i den skriftlige proces »{round_title}« om "
        "»{document_title}«. Fristen er {deadline}.",
        "Afgiv jeres beslutning",
    ),
    Kind.ROUND_CLOSED: (
        "Resultat: {round_title}",
        "Den skriftlige proces »{round_title}« om »{document_title}« er afsluttet: {outcome}.",
        "Se forløbet og resultatet",
    ),
    Kind.DECISION_RECORDED: (
        "{organization} har svaret: {round_title}",
        "{organization} har afgivet beslutningen »{decision}« i den skriftlige proces »{round_title}« om "
        "»{document_title}«.",
        "Se den skriftlige proces",
    ),
    Kind.CONSULTATION_OPENED: (
        "Høring: {document_title} – frist {deadline}",
        "{organization} er part i høringen om »{document_title}« ({snapshot}). Høringsfristen er {deadline}. "
        "Fristen er vedhæftet som kalenderfil.",
        "Læs høringsbrevet, og afgiv høringssvar",
    ),
    Kind.CONSULTATION_REMINDER: (
        "Påmindelse: høring om {document_title} – frist {deadline}",
        "{organization} har endnu ikke afgivet høringssvar om »{document_title}«. Høringsfristen er {deadline}.",
        "Afgiv høringssvar",
    ),
    Kind.CONSULTATION_CLOSED: (
        "Høringen er afsluttet: {document_title}",
        "Høringen om »{document_title}«, hvor {organization} var part, er afsluttet.",
        "Se høringen",
    ),
    Kind.ANSWERS_PUBLISHED: (
        "Svar på jeres høringssvar: {document_title}",
        "Styregruppen har offentliggjort sine svar på høringssvaret fra {organization} om »{document_title}«.",
        "Læs svarene",
    ),
}

_EN: dict[Kind, Texts] = {
    Kind.INVITATION: (
        "Invitation to Udkast",
        "Hello {name}. The secretariat has invited you to Udkast for {organization}. The link below works "
        "once and expires {expires}.",
        "Choose your password",
    ),
    Kind.ROUND_OPENED: (
        "Written procedure: {round_title}",
        "{organization} is asked to decide on “{document_title}” ({snapshot}) in the written procedure "
        "“{round_title}”. The deadline is {deadline}; it is attached as a calendar file.",
        "Record your decision",
    ),
    Kind.ROUND_REMINDER: (
        "Reminder: {round_title} – deadline {deadline}",
        "{organization} has not yet recorded a decision in the written procedure “{round_title}” on "
        "“{document_title}”. The deadline is {deadline}.",
        "Record your decision",
    ),
    Kind.ROUND_CLOSED: (
        "Outcome: {round_title}",
        "The written procedure “{round_title}” on “{document_title}” has closed: {outcome}.",
        "See the procedure and its outcome",
    ),
    Kind.DECISION_RECORDED: (
        "{organization} has answered: {round_title}",
        "{organization} recorded the decision “{decision}” in the written procedure “{round_title}” on "
        "“{document_title}”.",
        "See the written procedure",
    ),
    Kind.CONSULTATION_OPENED: (
        "Consultation: {document_title} – deadline {deadline}",
        "{organization} is a party to the consultation on “{document_title}” ({snapshot}). The deadline is "
        "{deadline}. The deadline is attached as a calendar file.",
        "Read the consultation letter and respond",
    ),
    Kind.CONSULTATION_REMINDER: (
        "Reminder: consultation on {document_title} – deadline {deadline}",
        "{organization} has not yet responded to the consultation on “{document_title}”. The deadline is {deadline}.",
        "Respond to the consultation",
    ),
    Kind.CONSULTATION_CLOSED: (
        "Consultation closed: {document_title}",
        "The consultation on “{document_title}”, to which {organization} was a party, has closed.",
        "See the consultation",
    ),
    Kind.ANSWERS_PUBLISHED: (
        "Answers to your consultation response: {document_title}",
        "The steering group has published its answers to the response from {organization} on “{document_title}”.",
        "Read the answers",
    ),
}

_WORDS = {
    "da": {
        "footer": "Sendt af Udkast. Du modtager denne besked, fordi du er bruger for din organisation.",
        "formal": "Meddelelser om skriftlig proces kan ikke fravælges.",
        "unsubscribe": "Afmeld denne slags beskeder",
        "deadline": "Frist: {title}",
        "consultation_deadline": "Høringsfrist: {title}",
        "letter": "Høringsbrevet begynder sådan",
    },
    "en": {
        "footer": "Sent by Udkast. You receive this message as a user for your organisation.",
        "formal": "Notices of the written procedure cannot be turned off.",
        "unsubscribe": "Unsubscribe from this kind of message",
        "deadline": "Deadline: {title}",
        "consultation_deadline": "Consultation deadline: {title}",
        "letter": "The consultation letter begins",
    },
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _when(value: str, language: str) -> str:
    moment = datetime.fromisoformat(value)
    if language == "en":
        return f"{english_date(moment)} at {clock_time(moment)} (Copenhagen time)"
    return danish_datetime(moment)


def _values(params: Mapping[str, str], language: Language) -> dict[str, str]:
    values = dict(params)
    for key in ("deadline", "expires"):
        if key in values:
            values[key] = _when(values[key], language)
    # A round's outcome and a decision in the glossary's words (»Godkender med bemærkninger«).
    if values.get("outcome") in glossary.labels("roundState"):
        values["outcome"] = glossary.label("roundState", values["outcome"], language).lower()
    if values.get("decision") in glossary.labels("decision"):
        values["decision"] = glossary.label("decision", values["decision"], language)
    return values


def texts(language: Language) -> dict[str, str]:
    """Every sentence an e-mail can hold in ``language``, by where it stands (for the glossary scan)."""
    found = {
        f"{kind.value}.{part}": value
        for kind, parts in (_EN if language == "en" else _DA).items()
        for part, value in zip(("subject", "lead", "action"), parts, strict=True)
    }
    found |= {f"words.{key}": value for key, value in _WORDS[language].items()}
    found |= {f"digest.{i}": value for i, value in enumerate(_DIGEST[language])}
    return found


def render(notification: Notification, link: str, unsubscribe: str | None) -> Rendered:
    language: Language = "en" if notification.language == "en" else "da"
    words = _WORDS[language]
    subject, lead, action = (_EN if language == "en" else _DA)[notification.kind]
    values = _values(notification.params, language)
    escaped = {k: html.escape(v) for k, v in values.items()}
    formal = notification.kind not in CHOOSABLE and notification.kind != Kind.INVITATION
    footer = words["footer"] + (" " + words["formal"] if formal else "")
    excerpt = values.get("letter_start", "")  # the høringsbrev's start, as plain text
    quoted = f"\n\n{words['letter']}:\n" + "\n".join(f"> {line}" for line in excerpt.splitlines()) if excerpt else ""
    text = f"{lead.format(**values)}{quoted}\n\n{action}: {link}\n\n-- \n{footer}\n"
    if unsubscribe:
        text += f"{words['unsubscribe']}: {unsubscribe}\n"
    body = (
        f"<p>{lead.format(**escaped)}</p>\n"
        + (
            f"<p>{html.escape(words['letter'])}:</p>\n<blockquote><p>"
            + "<br>\n".join(html.escape(line) for line in excerpt.splitlines())
            + "</p></blockquote>\n"
            if excerpt
            else ""
        )
        + f'<p><a href="{html.escape(link)}">{html.escape(action)}</a></p>\n'
        f'<hr><p style="color:#555;font-size:small">{html.escape(footer)}'
        + (f' <a href="{html.escape(unsubscribe)}">{html.escape(words["unsubscribe"])}</a>' if unsubscribe else "")
        + "</p>\n"
    )
    return Rendered(
        " ".join(subject.format(**values).split()),
        text,
        f'<!doctype html><html lang="{language}"><body>\n{body}</body></html>\n',
    )


_DIGEST = {
    "da": ("{count} beskeder fra Udkast", "Her er dagens beskeder fra Udkast."),
    "en": ("{count} messages from Udkast", "Here are today's messages from Udkast."),
}


def compose_digest(
    notifications: Sequence[tuple[Notification, str]],
    *,
    sender: str,
    public_url: str,
    unsubscribe: str,
    now: datetime,
) -> EmailMessage:
    """One message for several a user chose to receive once a day: each with its subject, text and link.
    The Message-ID is the first message's."""
    first = notifications[0][0]
    language = "en" if first.language == "en" else "da"
    subject, lead = _DIGEST[language]
    parts = [(render(n, link, None), link) for n, link in notifications]
    text = lead + "\n\n" + "\n".join(f"* {r.subject}\n  {link}\n" for r, link in parts)
    text += f"\n-- \n{_WORDS[language]['footer']}\n{_WORDS[language]['unsubscribe']}: {unsubscribe}\n"
    items = "".join(f'<li><a href="{html.escape(link)}">{html.escape(r.subject)}</a></li>\n' for r, link in parts)
    body = (
        f"<p>{html.escape(lead)}</p>\n<ul>\n{items}</ul>\n"
        f'<hr><p style="color:#555;font-size:small">{html.escape(_WORDS[language]["footer"])} '
        f'<a href="{html.escape(unsubscribe)}">{html.escape(_WORDS[language]["unsubscribe"])}</a></p>\n'
    )
    # A digest holds several kinds: its link opens the preferences page (after sign-in), not one-click.
    message = _envelope(first, subject.format(count=len(parts)), sender, public_url, unsubscribe, now, one_click=False)
    message.set_content(text)
    message.add_alternative(f'<!doctype html><html lang="{language}"><body>\n{body}</body></html>\n', subtype="html")
    message["Content-Language"] = language
    return message


def _envelope(
    notification: Notification,
    subject: str,
    sender: str,
    public_url: str,
    unsubscribe: str | None,
    now: datetime,
    *,
    one_click: bool,
) -> EmailMessage:
    host = urlsplit(public_url).hostname or "udkast"
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = formataddr(("", notification.address)) if "@" in notification.address else notification.address
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{notification.id}@{host}>"
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
    if unsubscribe and one_click:  # RFC 8058: a POST to the link turns the kind off, no sign-in
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


_WITH_CALENDAR = frozenset({Kind.ROUND_OPENED, Kind.CONSULTATION_OPENED})


def calendar(notification: Notification, public_url: str, now: datetime) -> bytes | None:
    """The deadline of an opened round or consultation as an all-parties calendar event (one UID each)."""
    if notification.kind not in _WITH_CALENDAR or "deadline" not in notification.params:
        return None
    params = notification.params
    consultation = notification.kind == Kind.CONSULTATION_OPENED
    language = "en" if notification.language == "en" else "da"
    deadline = datetime.fromisoformat(notification.params["deadline"]).astimezone(UTC)  # written with Z
    host = urlsplit(public_url).hostname or "udkast"
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Udkast//Frister//DA")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    process = params.get("consultation_id" if consultation else "round_id", notification.event_key)
    event.add("uid", f"{process}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", deadline)
    event.add("dtend", deadline + timedelta(minutes=30))
    summary = _WORDS[language]["consultation_deadline" if consultation else "deadline"]
    event.add("summary", summary.format(title=params.get("document_title" if consultation else "round_title", "")))
    event.add("url", public_url + notification.params.get("path", ""))
    cal.add_component(event)
    return bytes(cal.to_ical())


def compose(
    notification: Notification,
    *,
    sender: str,
    public_url: str,
    link: str,
    unsubscribe: str | None,
    now: datetime,
) -> EmailMessage:
    """The e-mail. Its Message-ID follows from the outbox entry, so a resend after a crash is
    recognisable as the same message. ``unsubscribe`` is the one-click link of a kind that may be
    turned off (``/unsubscribe/{token}``), sent as ``List-Unsubscribe`` with ``List-Unsubscribe-Post``."""
    rendered = render(notification, link, unsubscribe)
    message = _envelope(notification, rendered.subject, sender, public_url, unsubscribe, now, one_click=True)
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    ics = calendar(notification, public_url, now)
    if ics is not None:
        message.add_attachment(ics, maintype="text", subtype="calendar", filename="frist.ics")
    # Last: setting the content moves Content-* headers into the parts.
    message["Content-Language"] = "en" if notification.language == "en" else "da"
    return message
