"""Every message a user can meet, in Danish (the default) and English.

A refusal carries a key; the API turns it into text in the request's language. Keeping all
texts here keeps them consistent and translatable.
"""

from __future__ import annotations

from datetime import datetime

from server import glossary
from server.clock import clock_time, danish_datetime, english_date
from server.glossary import Language

__all__ = ["MESSAGES", "Language", "language_of", "snapshot_name", "text"]

MESSAGES: dict[str, tuple[str, str]] = {
    # Sign-in and sessions
    "not_signed_in": ("Du skal logge ind først.", "You need to sign in first."),
    "invalid_credentials": ("Forkert e-mail eller adgangskode.", "Wrong email or password."),
    "signin_locked": (
        "For mange mislykkede forsøg. Prøv igen om {minutes} minutter.",
        "Too many failed attempts. Try again in {minutes} minutes.",
    ),
    "account_inactive": ("Kontoen er deaktiveret.", "The account is deactivated."),
    # Permissions
    "forbidden": ("Det har du ikke adgang til.", "You are not allowed to do that."),
    "forbidden_role": (
        "Din rolle giver ikke adgang til dette. Det kræver rollen {needed}.",
        "Your role does not allow this. It takes the role {needed}.",
    ),
    "forbidden_not_participant": (
        "Din organisation deltager ikke i dette dokument.",
        "Your organisation does not take part in this document.",
    ),
    "forbidden_other_organization": (
        "Du kan kun handle på vegne af din egen organisation.",
        "You can only act on behalf of your own organisation.",
    ),
    "forbidden_phase": (
        "Dokumentet er i fasen »{phase}« og kan ikke længere ændres.",
        "The document is in the phase “{phase}” and can no longer be changed.",
    ),
    "forbidden_phase_submit": (
        "Dokumentet er i fasen »{phase}«, så der kan ikke længere indsendes kommentarer. "
        "Jeres kladder er gemt, og jeres organisation kan stadig læse dem.",
        "The document is in the phase “{phase}”, so comments can no longer be submitted. "
        "Your drafts are kept, and your organisation can still read them.",
    ),
    "forbidden_not_author": (
        "Kun forfatteren kan ændre denne kommentar.",
        "Only the author can change this comment.",
    ),
    # Lookups
    "not_found": ("{what} blev ikke fundet.", "{what} was not found."),
    # Input
    "required": ("Feltet skal udfyldes.", "This field is required."),
    "too_long": ("Teksten er for lang (højst {limit} tegn).", "The text is too long (at most {limit} characters)."),
    "nul_character": (
        "Teksten indeholder et ugyldigt tegn (fx NUL eller et halvt tegnpar).",
        "The text contains an invalid character (such as NUL or a lone surrogate).",
    ),
    "invalid_email": ("Ugyldig e-mailadresse.", "Invalid email address."),
    "email_taken": ("Der findes allerede en bruger med den e-mail.", "A user with that email already exists."),
    "password_too_short": (
        "Adgangskoden skal være mindst {minimum} tegn.",
        "The password must be at least {minimum} characters.",
    ),
    "password_common": (
        "Adgangskoden er for almindelig. Vælg en anden.",
        "The password is too common. Choose another one.",
    ),
    "invitation_invalid": (
        "Invitationen er ugyldig, udløbet eller allerede brugt.",
        "The invitation is invalid, expired or already used.",
    ),
    "roles_required": ("Vælg mindst én rolle.", "Choose at least one role."),
    "base_version_ahead": (
        "Version {base} findes ikke endnu (seneste er {head}).",
        "Version {base} does not exist yet (the latest is {head}).",
    ),
    "version_missing": ("Version {version} findes ikke.", "Version {version} does not exist."),
    "version_conflict": (
        "En anden har ændret det samme sted i afsnittet. Vælg, hvilken tekst der skal gælde.",
        "Someone else changed the same passage. Choose which text should stand.",
    ),
    "slug_taken": ("Den kortadresse er allerede i brug.", "That short name is already in use."),
    "invalid_slug": (
        "Brug kun små bogstaver, tal og bindestreg.",
        "Use only lower-case letters, digits and hyphens.",
    ),
    "invalid_phase_change": (
        "Fasen kan ikke skiftes fra »{current}« til »{target}«.",
        "The phase cannot change from “{current}” to “{target}”.",
    ),
    "invalid_position": ("Ugyldig placering.", "Invalid position."),
    "section_deleted": ("Afsnittet er slettet.", "The section has been deleted."),
    "section_not_deleted": ("Afsnittet er ikke slettet.", "The section is not deleted."),
    "no_sections": ("Dokumentet har ingen afsnit.", "The document has no sections."),
    "not_participant_org": (
        "Organisationen deltager ikke i dokumentet.",
        "The organisation does not take part in the document.",
    ),
    "already_participant": ("Organisationen deltager allerede.", "The organisation already takes part."),
    "busy": (
        "Der er travlt lige nu – prøv igen om et øjeblik.",
        "The service is busy right now – please try again in a moment.",
    ),
    # --- comments (keys for server/comments) ---
    "anchor_not_found": (
        "Det markerede tekststykke findes ikke i version {version} af afsnittet.",
        "The marked passage does not occur in version {version} of the section.",
    ),
    "anchor_context_mismatch": (
        "Teksten omkring det markerede tekststykke passer ikke med version {version} af afsnittet.",
        "The text around the marked passage does not match version {version} of the section.",
    ),
    "reply_other_document": (
        "Et svar skal høre til en kommentar i samme dokument.",
        "A reply must answer a comment in the same document.",
    ),
    "reply_other_section": (
        "Et svar skal høre til en kommentar på samme afsnit.",
        "A reply must answer a comment on the same section.",
    ),
    "text_too_complex": (
        "Teksten kan ikke vises: den er for kompleks (for eksempel meget mange «[»). Gør den enklere, og prøv igen.",
        "The text cannot be displayed: it is too complex (for example very many “[”). Simplify it and try again.",
    ),
    "work_too_slow": (
        "Det tog for lang tid at lave filen, så vi stoppede. Prøv igen senere, eller del indholdet op.",
        "Making the file took too long, so it was stopped. Try again later, or split the content up.",
    ),
    "diff_too_complex": (
        "Forskellen mellem de to versioner er for stor til at blive vist inden for tidsgrænsen.",
        "The difference between the two versions is too large to be shown within the time limit.",
    ),
    "docx_too_complex": (
        "Word-filen er for stor eller kompleks til at blive læst inden for tidsgrænsen. Del den op, og prøv igen.",
        "The Word file is too large or complex to be read within the time limit. Split it up and try again.",
    ),
    "reply_cannot_propose": (
        "Et svar kan ikke indeholde et ændringsforslag. Skriv forslaget som en ny kommentar.",
        "A reply cannot carry a change proposal. Write the proposal as a new comment.",
    ),
    "comment_not_open": (
        "Kommentaren er besvaret og kan ikke længere ændres eller slettes.",
        "The comment has been answered and can no longer be changed or deleted.",
    ),
    "comment_sent": (
        "Kommentaren er indsendt som en del af jeres høringssvar og kan ikke længere ændres eller trækkes "
        "tilbage. Skriv en ny kommentar, hvis I vil rette eller supplere den.",
        "The comment has been submitted as part of your organisation's response and can no longer be changed "
        "or withdrawn. Write a new comment to correct or add to it.",
    ),
    "nothing_to_submit": (
        "Der er ingen kladder at indsende.",
        "There are no drafts to submit.",
    ),
    "submission_count_changed": (
        "Der er nu {count} kommentarer at indsende, ikke {expected}. Se forhåndsvisningen igen, før I indsender.",
        "There are now {count} comments to submit, not {expected}. Look at the preview again before submitting.",
    ),
    "response_sent": (
        "Jeres høringssvar er indsendt, så de generelle bemærkninger og høringsbrevet kan ikke længere ændres.",
        "Your response has been submitted, so its general remarks and letter can no longer be changed.",
    ),
    "letter_too_large": (
        "Filen er for stor. Et høringsbrev må højst fylde {megabytes} MB.",
        "The file is too large. A response letter may be at most {megabytes} MB.",
    ),
    "letter_empty": ("Filen er tom.", "The file is empty."),
    "letter_type": (
        "Filen er hverken en PDF- eller en Word-fil (.docx). Gem brevet som PDF eller Word, og prøv igen.",
        "The file is neither a PDF nor a Word file (.docx). Save the letter as PDF or Word and try again.",
    ),
    "letter_name_mismatch": (
        "Filens navn passer ikke til dens indhold. Giv den endelsen {extension}.",
        "The file's name does not match its content. Give it the extension {extension}.",
    ),
    "letter_filename": (
        "Filnavnet må ikke indeholde skråstreger, anførselstegn eller kontroltegn.",
        "The file name may not contain slashes, quotation marks or control characters.",
    ),
    "letter_missing": ("Der er ikke vedhæftet noget høringsbrev.", "No response letter is attached."),
    "comment_is_draft": (
        "Kommentaren er stadig et udkast i sin organisation og kan besvares, når den er indsendt.",
        "The comment is still a draft of its organisation and can be answered once it is submitted.",
    ),
    "reply_has_no_disposition": (
        "Svar i en tråd behandles ikke hver for sig; besvar trådens første kommentar.",
        "Replies in a thread get no disposition of their own; answer the thread's first comment.",
    ),
    "not_a_proposal": ("Kommentaren er ikke et ændringsforslag.", "The comment is not a change proposal."),
    "proposal_already_applied": (
        "Ændringsforslaget er allerede indarbejdet i version {version}.",
        "The proposal has already been taken in, in version {version}.",
    ),
    "proposal_not_applicable": (
        "Ændringsforslaget kan ikke indarbejdes automatisk, fordi tekststykket ikke findes i afsnittets tekst. "
        "Indarbejd det i hånden.",
        "The proposal cannot be taken in automatically because its passage is not in the section's text. "
        "Edit the section by hand.",
    ),
    "comment_status_OPEN": ("Åben", "Open"),
    "comment_status_ACCEPTED": ("Imødekommet", "Accepted"),
    "comment_status_PARTLY_ACCEPTED": ("Delvist imødekommet", "Partly accepted"),
    "comment_status_REJECTED": ("Ikke imødekommet", "Not accepted"),
    "comment_status_NOTED": ("Taget til efterretning", "Noted"),
    "report_title": ("Høringsnotat", "Consultation report"),
    "report_counts": ("Bemærkninger pr. organisation", "Comments per organisation"),
    "report_organization": ("Organisation", "Organisation"),
    "report_total": ("I alt", "Total"),
    "report_section": ("{title} (version {version})", "{title} (version {version})"),
    "report_passage": ("Tekststykke", "Passage"),
    "report_whole_section": ("Hele afsnittet", "The whole section"),
    "report_proposal": ("Ændringsforslag", "Proposed text"),
    "report_disposition": ("Behandling", "Disposition"),
    "report_response": ("Styregruppens svar", "The steering group's answer"),
    "report_applied": ("Indarbejdet i version {version}", "Taken in in version {version}"),
    "report_by": ("{organization}, {date}", "{organization}, {date}"),
    "report_by_named": ("{organization} ({author}), {date}", "{organization} ({author}), {date}"),
    "report_entry": ("{number}. {byline}", "{number}. {byline}"),
    "report_comment": ("Bemærkning", "Comment"),
    "report_replies": ("Svar i tråden", "Replies in the thread"),
    "report_questions": ("Styregruppens spørgsmål og svarene på dem", "The steering group's questions and the answers"),
    "report_question": ("Spørgsmål fra styregruppen", "Question from the steering group"),
    "report_answer_pending": ("Endnu ikke behandlet.", "Not dealt with yet."),
    "report_answer_without_remarks": (
        "Behandlet uden yderligere bemærkninger.",
        "Dealt with without further remarks.",
    ),
    "report_snapshot": ("Udgave", "Snapshot"),
    "report_date": ("Dato", "Date"),
    "report_comments_count": ("{count} bemærkninger", "{count} comments"),
    "report_comments_count_one": ("1 bemærkning", "1 comment"),
    "report_period": ("Høringsperiode", "Consultation period"),
    "report_deadline": ("Høringsfrist", "Deadline"),
    "report_responses": ("Høringssvar", "Responses"),
    "report_responses_value": ("{count} af {total} hørte parter", "{count} of {total} consulted parties"),
    "report_introduction": ("Indledning", "Introduction"),
    "report_introduction_text": (
        "{snapshot} blev sendt i høring den {opened} med høringsfrist den {deadline}. "
        "{parties} parter blev hørt, og der er modtaget {count} høringssvar.",
        "{snapshot} was sent for consultation on {opened} with the deadline {deadline}. "
        "{parties} parties were consulted, and {count} responses were received.",
    ),
    "report_introduction_closed": ("Høringen blev afsluttet den {closed}.", "The consultation closed on {closed}."),
    "report_introduction_open": (
        "Høringen er endnu ikke afsluttet; notatet viser svarene indtil nu.",
        "The consultation is still open; the report shows the responses so far.",
    ),
    "report_letter": ("Høringsbrevet", "The consultation letter"),
    "report_parties": ("Høringsliste", "Consultation list"),
    "report_party_answered": ("{status} den {date}", "{status} on {date}"),
    "report_late": ("for sent indkommet", "late"),
    "report_general_remarks": ("Generelle bemærkninger", "General remarks"),
    "report_attachment": (
        "Organisationen har vedlagt et høringssvar som bilag.",
        "The organisation attached a response letter.",
    ),
    "report_changes": ("Ændringer som følge af høringen", "Changes made as a result of the consultation"),
    "report_no_changes": (
        "Høringssvarene har ikke ført til ændringer i teksten.",
        "The responses have not led to changes in the text.",
    ),
    "report_draft_answer": ("udkast, ikke offentliggjort", "draft, not published"),
    "report_none": (
        "Der er ikke indsendt bemærkninger til dette udkast.",
        "No comments have been submitted on this snapshot.",
    ),
    # --- approvals (keys for server/approvals) ---
    "deadline_in_past": ("Fristen skal ligge ude i fremtiden.", "The deadline must be in the future."),
    "deadline_too_far": (
        "Fristen må højst ligge {days} dage ude i fremtiden.",
        "The deadline can be at most {days} days ahead.",
    ),
    "deadline_not_later": (
        "Den nye frist skal ligge efter den nuværende.",
        "The new deadline must be later than the current one.",
    ),
    "organizations_required": (
        "Vælg mindst én organisation, hvis beslutning kræves.",
        "Choose at least one organisation whose decision is required.",
    ),
    "round_already_open": (
        "Der er allerede en åben skriftlig proces på dette udkast.",
        "An approval round is already open on this snapshot.",
    ),
    "round_phase": (
        "Dokumentet er i fasen »{phase}«. Sæt det tilbage til »Under udarbejdelse« under Indstillinger, "
        "før en ny skriftlig proces åbnes.",
        "The document is in the phase “{phase}”. Move it back to “Drafting” under Settings "
        "before opening a new written procedure.",
    ),
    "round_consultation_open": (
        "Dokumentet er i høring. Afslut høringen, før en skriftlig proces åbnes.",
        "The document is in consultation. Close the consultation before opening a written procedure.",
    ),
    "round_closed": (
        "Den skriftlige proces er afsluttet og modtager ikke flere beslutninger eller ændringer.",
        "The approval round is closed and takes no further decisions or changes.",
    ),
    # --- consultations (keys for server/consultations) ---
    "consultation_phase": (
        "Dokumentet er i fasen »{phase}«. En høring kan kun sendes ud, mens dokumentet er under udarbejdelse "
        "eller i høring.",
        "The document is in the phase “{phase}”. A consultation can only be opened while the document is being "
        "drafted or in consultation.",
    ),
    "consultation_organizations_required": (
        "Vælg mindst én organisation, der skal høres.",
        "Choose at least one organisation to consult.",
    ),
    "consultation_organization_unknown": (
        "Mindst én af de valgte organisationer findes ikke.",
        "At least one of the chosen organisations does not exist.",
    ),
    "consultation_already_open": (
        "Dokumentet er allerede i høring. Afslut den åbne høring, før en ny sendes ud.",
        "The document is already in consultation. Close the open consultation before opening a new one.",
    ),
    "consultation_closed": (
        "Høringen er afsluttet og modtager ikke flere svar eller ændringer.",
        "The consultation is closed and takes no further responses or changes.",
    ),
    "consultation_deadline_passed": (
        "Høringsfristen er udløbet, og der modtages ikke svar efter fristen.",
        "The consultation deadline has passed, and late responses are not accepted.",
    ),
    "not_consulted_party": (
        "Organisationen er ikke på høringslisten.",
        "The organisation is not on the consultation list.",
    ),
    "consultation_already_answered": (
        "Organisationen har allerede afgivet sit høringssvar.",
        "The organisation has already given its response.",
    ),
    "answers_already_published": (
        "Styregruppens svar er allerede offentliggjort for de valgte organisationer.",
        "The steering group's answers are already published for the chosen organisations.",
    ),
    "commenting_closed_since": (
        "Der kan ikke længere kommenteres: høringen sluttede {closed_at}.",
        "Commenting is closed: the consultation ended {closed_at}.",
    ),
    "commenting_closed": (
        "Der kan ikke kommenteres lige nu: dokumentet er ikke i høring.",
        "Commenting is closed: the document is not in consultation.",
    ),
    "commenting_not_consulted": (
        "Din organisation er ikke på høringslisten og kan ikke kommentere i denne høring.",
        "Your organisation is not on the consultation list and cannot comment in this consultation.",
    ),
    "commenting_open_until": (
        "Der kan kommenteres indtil høringsfristen {deadline}.",
        "Commenting is open until the consultation deadline, {deadline}.",
    ),
    "commenting_open_late": (
        "Høringsfristen var {deadline}. Svar modtages stadig, men markeres som for sene.",
        "The consultation deadline was {deadline}. Responses are still accepted but marked as late.",
    ),
    "commenting_steering": (
        "Styregruppen kan altid kommentere. Styregruppens kommentarer tæller ikke som høringssvar.",
        "The steering group can always comment. The steering group's comments never count as consultation responses.",
    ),
    "consultation_section_missing": (
        "Afsnittet er ikke med i den udgave, der er i høring.",
        "The section is not part of the snapshot under consultation.",
    ),
    "consultation_version": (
        "Høringen gælder udgave {number}: kommentér afsnittets version {version}, som den står i den udgave.",
        "The consultation is on snapshot {number}: comment on the section's version {version} as it stands there.",
    ),
    "phase_by_consultation": (
        "Et dokument kommer i høring, når sekretariatet sender en udgave i høring – ikke ved at skifte fase.",
        "A document goes into consultation when the secretariat sends a snapshot for consultation, "
        "not by changing its phase.",
    ),
    "phase_consultation_open": (
        "Dokumentet er i høring. Afslut høringen, før fasen ændres.",
        "The document is in consultation. Close the consultation before changing the phase.",
    ),
    "consultation_status_INVITED": ("Inviteret", "Invited"),
    "consultation_status_DRAFTING": ("Skriver på svar", "Drafting"),
    "consultation_status_RESPONDED": ("Har svaret", "Responded"),
    "consultation_status_NO_REMARKS": ("Ingen bemærkninger", "No remarks"),
    "consultation_status_DECLINED": ("Har afslået", "Declined"),
    "consultation_status_NO_RESPONSE": ("Intet svar", "No response"),
    "reminder_one_target": (
        "Angiv enten en skriftlig proces eller en høring.",
        "Give either an approval round or a consultation.",
    ),
    "reminder_already_decided": (
        "Mindst én af de valgte parter har allerede afgivet beslutning.",
        "At least one of the chosen parties has already decided.",
    ),
    "notification_formal": (
        "Meddelelser om skriftlig proces sendes altid med det samme og kan ikke fravælges.",
        "Notices of the written procedure are always sent at once and cannot be turned off.",
    ),
    "notification_not_choosable": (
        "Denne slags besked kan ikke ændres.",
        "This kind of message cannot be changed.",
    ),
    "invalid_language": ("Vælg dansk (da) eller engelsk (en).", "Choose Danish (da) or English (en)."),
    # One-click unsubscribe (the page an e-mail's link opens, without signing in)
    "unsubscribe_title": ("Afmeld beskeder", "Unsubscribe"),
    "unsubscribe_question": (
        "Vil du afmelde e-mails om »{kind}« til {email}?",
        "Do you want to stop e-mails about “{kind}” to {email}?",
    ),
    "unsubscribe_button": ("Afmeld", "Unsubscribe"),
    "unsubscribe_done": (
        "Du får ikke længere e-mails om »{kind}« til {email}.",
        "You will no longer receive e-mails about “{kind}” at {email}.",
    ),
    "unsubscribe_preferences": (
        "Du kan altid ændre dine valg under Beskeder, når du er logget ind.",
        "You can change your choices under Notifications at any time when signed in.",
    ),
    "unsubscribe_invalid": (
        "Linket til afmelding virker ikke: det er udløbet eller ændret. Intet er ændret. Du kan vælge "
        "dine beskeder under Beskeder, når du er logget ind.",
        "The unsubscribe link does not work: it has expired or been altered. Nothing was changed. You can "
        "choose your notifications under Notifications when signed in.",
    ),
    "notification_kind_DECISION_RECORDED": (
        "En part har svaret i en skriftlig proces",
        "A party has answered in a written procedure",
    ),
    "notification_kind_CONSULTATION_OPENED": ("En høring åbnes", "A consultation opens"),
    "notification_kind_CONSULTATION_REMINDER": (
        "Påmindelse før høringsfristen",
        "Reminder before a consultation's deadline",
    ),
    "notification_kind_CONSULTATION_CLOSED": ("En høring afsluttes", "A consultation closes"),
    "notification_kind_ANSWERS_PUBLISHED": (
        "Svar på jeres høringssvar er offentliggjort",
        "Answers to your consultation response are published",
    ),
    "reminder_already_answered": (
        "Mindst én af de valgte parter har allerede afgivet høringssvar.",
        "At least one of the chosen parties has already responded.",
    ),
    "round_withdrawn": (
        "Den skriftlige proces er trukket tilbage og modtager ikke flere beslutninger eller ændringer.",
        "The approval round has been withdrawn and takes no further decisions or changes.",
    ),
    "deadline_passed": (
        "Fristen for den skriftlige proces er udløbet.",
        "The approval round's deadline has passed.",
    ),
    "not_required_party": (
        "Organisationens beslutning indgår ikke i denne skriftlige proces.",
        "The organisation is not a party to this approval round.",
    ),
    "reason_required": ("En indsigelse skal begrundes.", "An objection needs a reason."),
    "remarks_required": (
        "Skriv de bemærkninger, godkendelsen gives med.",
        "Write the remarks that go with the approval.",
    ),
    "remarks_need_decision": (
        "Vælg »Godkender med bemærkninger«, når godkendelsen har bemærkninger.",
        "Choose “Approves with remarks” when the approval comes with remarks.",
    ),
    "sections_need_remarks": (
        "Afsnit kan kun angives ved godkendelse med bemærkninger eller ved indsigelse.",
        "Sections can only be given with an approval with remarks or an objection.",
    ),
    "section_not_in_snapshot": (
        "Afsnittet indgår ikke i det udkast, der er til godkendelse.",
        "The section is not part of the snapshot under approval.",
    ),
    "already_awaiting_board": (
        "Organisationen er allerede markeret som afventende intern behandling.",
        "The organisation is already marked as awaiting its internal handling.",
    ),
    "not_awaiting_board": (
        "Organisationen er ikke markeret som afventende intern behandling.",
        "The organisation is not marked as awaiting its internal handling.",
    ),
    **{f"approval_decision_{code}": words for code, words in glossary.labels("decision").items()},
    **{f"approval_state_{code}": words for code, words in glossary.labels("roundState").items()},
    **{f"phase_{code}": words for code, words in glossary.labels("phase").items()},
    "approval_cause_ALL_DECIDED": ("alle parter havde svaret", "every party had answered"),
    "approval_cause_DEADLINE": ("fristen udløb", "the deadline passed"),
    "approval_cause_WITHDRAWN": ("trukket tilbage af sekretariatet", "withdrawn by the secretariat"),
    "outcome_open": ("Processen er åben. Fristen er {deadline}.", "The round is open. The deadline is {deadline}."),
    "outcome_approved": ("Godkendt.", "Approved."),
    "outcome_silent_consent": (
        "{organizations} svarede ikke inden fristen og godkendte ved stiltiende samtykke.",
        "{organizations} did not answer by the deadline and approved by silent consent.",
    ),
    "outcome_not_approved": ("Ikke godkendt.", "Not approved."),
    # The remarks stand once, with the party's decision (the parties table, the record's parties).
    "outcome_reason_OBJECTED": ("{organization} gjorde indsigelse.", "{organization} objected."),
    "outcome_reason_ABSTAINED": ("{organization} undlod at tage stilling.", "{organization} abstained."),
    "outcome_reason_SILENT": (
        "{organization} svarede ikke inden fristen.",
        "{organization} did not answer by the deadline.",
    ),
    "outcome_withdrawn": ("Trukket tilbage: {reason}", "Withdrawn: {reason}"),
    "record_title": ("Referat af skriftlig proces", "Record of the written procedure"),
    "record_document": ("Dokument", "Document"),
    "record_snapshot": ("Udgave", "Snapshot"),
    "record_fingerprint": ("Kontrolkode (SHA-256)", "Check code (SHA-256)"),
    "record_opened": ("Åbnet", "Opened"),
    "record_by": ("{time} af {name}", "{time} by {name}"),
    "record_deadline": ("Frist", "Deadline"),
    "record_silence": ("Stiltiende samtykke", "Silent consent"),
    "record_silence_consent": (
        "gælder: en part, der ikke svarer inden fristen, godkender",
        "applies: a party that does not answer by the deadline approves",
    ),
    "record_silence_no_consent": (
        "gælder ikke: kun et svar kan godkende",
        "does not apply: only an answer can approve",
    ),
    "record_state": ("Status", "State"),
    "record_closed": ("Afsluttet", "Closed"),
    "record_outcome": ("Resultat", "Outcome"),
    "record_parties": ("Parternes beslutninger", "The parties' decisions"),
    "record_decision": ("Beslutning", "Decision"),
    "record_decided": ("Registreret", "Recorded"),
    "record_remarks": ("Bemærkninger", "Remarks"),
    "record_sections": ("Vedrører afsnit", "Concerns sections"),
    "record_no_decision": ("Intet svar", "No answer"),
    "record_silent_consent": (
        "Intet svar – godkendt ved stiltiende samtykke",
        "No answer – approved by silent consent",
    ),
    "record_awaiting_board": ("Afventer intern behandling", "Awaiting internal handling"),
    "record_extensions": ("Fristforlængelser", "Deadline extensions"),
    "record_extension": (
        "{at}: fristen flyttet fra {previous} til {deadline} af {name}. Begrundelse: {reason}",
        "{at}: deadline moved from {previous} to {deadline} by {name}. Reason: {reason}",
    ),
    "record_board_marks": ("Intern behandling", "Internal handling"),
    "record_board_mark_on": (
        "{at}: {organization} afventer intern behandling",
        "{at}: {organization} awaits its internal handling",
    ),
    "record_board_mark_off": (
        "{at}: {organization} afventer ikke længere intern behandling",
        "{at}: {organization} no longer awaits its internal handling",
    ),
    "record_history": ("Alle registrerede beslutninger", "Every decision recorded"),
    "record_no_decisions": ("Der er ikke registreret nogen beslutninger.", "No decisions have been recorded."),
    "record_time": ("Tidspunkt", "Time"),
    "record_organization": ("Organisation", "Organisation"),
    "record_person": ("Registreret af", "Recorded by"),
    "record_generated": ("Udskrevet {time}", "Printed {time}"),
    "record_printed": ("Udskrevet", "Printed"),
    "record_history_entry": (
        "{time}: {organization} – {decision}. Registreret af {name}.",
        "{time}: {organization} – {decision}. Recorded by {name}.",
    ),
    "snapshot_name": ("Udgave {number}", "Snapshot {number}"),
    "snapshot_name_label": ("Udgave {number} – {label}", "Snapshot {number} – {label}"),
    "snapshot_date": ("Dato", "Date"),
    "snapshot_phase": ("Fase", "Phase"),
    # --- the activity feed and the audit export (server/events/describe.py) ---
    "event_automatic": ("Udkast (automatisk)", "Udkast (automatic)"),
    "event_other": ("registrerede en ændring.", "recorded a change."),
    "event_document_created": ("oprettede dokumentet »{title}«.", "created the document “{title}”."),
    "event_document_phase_changed": (
        "satte dokumentet i fasen »{phase}«.",
        "put the document in the phase “{phase}”.",
    ),
    "event_document_participant_added": (
        "tilføjede {organization} som deltager.",
        "added {organization} as a participant.",
    ),
    "event_document_participant_removed": (
        "fjernede {organization} som deltager.",
        "removed {organization} as a participant.",
    ),
    "event_document_settings_changed": ("ændrede kommentarindstillingerne.", "changed the comment settings."),
    "event_section_added": ("tilføjede afsnittet »{title}«.", "added the section “{title}”."),
    "event_section_saved": ("gemte version {version} af afsnittet »{title}«.", "saved version {version} of “{title}”."),
    "event_section_restored": (
        "gendannede en tidligere tekst som version {version} af afsnittet »{title}«.",
        "restored an earlier text as version {version} of “{title}”.",
    ),
    "event_section_moved": ("flyttede et afsnit fra plads {from} til {to}.", "moved a section from {from} to {to}."),
    "event_section_deleted": ("slettede afsnittet »{title}«.", "deleted the section “{title}”."),
    "event_section_undeleted": ("gendannede afsnittet »{title}«.", "restored the section “{title}”."),
    "event_snapshot_created": ("oprettede {snapshot}.", "created {snapshot}."),
    "event_comment_added": (
        "kommenterede afsnittet »{section}« (version {version}).",
        "commented on the section “{section}” (version {version}).",
    ),
    "event_comment_proposal": (
        "foreslog en ændring af afsnittet »{section}« (version {version}).",
        "proposed a change to the section “{section}” (version {version}).",
    ),
    "event_comment_reply": (
        "svarede på en kommentar til afsnittet »{section}«.",
        "replied to a comment on the section “{section}”.",
    ),
    "event_comment_edited": (
        "ændrede en kommentar til afsnittet »{section}«.",
        "edited a comment on the section “{section}”.",
    ),
    "event_comment_deleted": (
        "trak en kommentar til afsnittet »{section}« tilbage.",
        "withdrew a comment on the section “{section}”.",
    ),
    "event_comments_submitted": (
        "indsendte organisationens høringssvar ({count} kommentarer).",
        "submitted the organisation's consultation response ({count} comments).",
    ),
    "event_comment_answered": (
        "gav en kommentar til afsnittet »{section}« status »{status}«.",
        "gave a comment on the section “{section}” the status “{status}”.",
    ),
    "event_comment_proposal_applied": (
        "indarbejdede et ændringsforslag i afsnittet »{section}«.",
        "took a proposed change into the section “{section}”.",
    ),
    "event_approval_round_opened": (
        "åbnede den skriftlige proces »{title}« om {snapshot} med frist {deadline}.",
        "opened the written procedure “{title}” on {snapshot}, deadline {deadline}.",
    ),
    "event_approval_round_decision_recorded": (
        "registrerede beslutningen »{decision}« for {organization} i den skriftlige proces »{title}«.",
        "recorded the decision “{decision}” for {organization} in the written procedure “{title}”.",
    ),
    "event_approval_round_awaiting_board": (
        "viste, at {organization} afventer intern behandling i den skriftlige proces »{title}«.",
        "showed that {organization} awaits internal handling in the written procedure “{title}”.",
    ),
    "event_approval_round_board_done": (
        "viste, at {organization} ikke længere afventer intern behandling i den skriftlige proces »{title}«.",
        "showed that {organization} no longer awaits internal handling in the written procedure “{title}”.",
    ),
    "event_approval_round_reminder_sent": (
        "sendte en påmindelse til {organizations} i den skriftlige proces »{title}«.",
        "sent a reminder to {organizations} in the written procedure “{title}”.",
    ),
    "event_consultation_reminder_sent": (
        "sendte en påmindelse om høringen til {organizations}.",
        "sent a reminder about the consultation to {organizations}.",
    ),
    "event_approval_round_deadline_extended": (
        "forlængede fristen i den skriftlige proces »{title}« til {deadline}. Begrundelse: {reason}",
        "extended the deadline of the written procedure “{title}” to {deadline}. Reason: {reason}",
    ),
    "event_approval_round_withdrawn": (
        "trak den skriftlige proces »{title}« tilbage. Begrundelse: {reason}",
        "withdrew the written procedure “{title}”. Reason: {reason}",
    ),
    "event_approval_round_closed": (
        "afsluttede den skriftlige proces »{title}«: {state}.",
        "closed the written procedure “{title}”: {state}.",
    ),
    "event_consultation_opened": (
        "sendte {snapshot} i høring hos {organizations} med frist {deadline}.",
        "sent {snapshot} for consultation to {organizations}, deadline {deadline}.",
    ),
    "event_consultation_extended": (
        "forlængede høringsfristen til {deadline}.",
        "extended the consultation deadline to {deadline}.",
    ),
    "event_consultation_closed": ("afsluttede høringen.", "closed the consultation."),
    "event_consultation_closed_deadline": (
        "afsluttede høringen ved fristen.",
        "closed the consultation at its deadline.",
    ),
    "event_consultation_responded": (
        "registrerede høringssvaret fra {organization}: {status}.",
        "recorded the consultation response of {organization}: {status}.",
    ),
    "event_consultation_answers_published": (
        "offentliggjorde styregruppens svar til {organizations}.",
        "published the steering group's answers to {organizations}.",
    ),
    "audit_seq": ("Nr.", "No."),
    "audit_local_time": ("Tidspunkt (dansk tid)", "Time (Danish time)"),
    "audit_utc_time": ("Tidspunkt (UTC, ISO 8601)", "Time (UTC, ISO 8601)"),
    "audit_actor": ("Person", "Person"),
    "audit_organization": ("Organisation", "Organisation"),
    "audit_description": ("Hændelse", "Event"),
    "audit_kind": ("Hændelseskode", "Event code"),
    "audit_entity_type": ("Emnets type", "Subject type"),
    "audit_entity_id": ("Emnets id", "Subject id"),
    "audit_client_address": ("IP-adresse", "IP address"),
    "audit_data": ("Data (JSON)", "Data (JSON)"),
    # --- exports and imports ---
    "docx_rejected": ("{reason_da}", "{reason_en}"),
    "pdf_unavailable": (
        "PDF kan ikke laves lige nu. Hent referatet som Word i stedet.",
        "A PDF cannot be made right now. Download the record as Word instead.",
    ),
    "docx_empty": ("Word-filen indeholder ingen tekst.", "The Word file contains no text."),
    "comments_mode_invalid": (
        "Kommentarer i Word-filen kan være none, word eller table.",
        "Comments in the Word file can be none, word or table.",
    ),
    "docx_too_large": ("Filen er for stor (højst 20 MB).", "The file is too large (at most 20 MB)."),
    "not_found_section": ("Afsnittet findes ikke i dokumentet.", "The section is not in the document."),
    "idempotency_reused": (
        "Idempotensnøglen er allerede brugt til en anden forespørgsel.",
        "The idempotency key was already used for a different request.",
    ),
    "idempotency_pending": (
        "En forespørgsel med samme idempotensnøgle er i gang. Prøv igen om lidt.",
        "A request with the same idempotency key is in progress. Try again shortly.",
    ),
    "idempotency_invalid": (
        "Ugyldig idempotensnøgle (1-200 synlige tegn).",
        "Invalid idempotency key (1-200 printable characters).",
    ),
    "unexpected_error": ("Uventet fejl.", "Unexpected error."),
    "subscription_needs_websocket": (
        "Abonnementer kører over WebSocket (graphql-transport-ws), ikke over HTTP.",
        "Subscriptions run over a WebSocket (graphql-transport-ws), not over HTTP.",
    ),
    "query_too_costly": (
        "Forespørgslen ville hente for mange objekter (over {limit}, når lister ganges sammen). Hent mindre ad gangen.",
        "The query would fetch too many objects (over {limit} once nested lists multiply). Ask for less at a time.",
    ),
    "query_too_large": (
        "Forespørgslen er for stor (højst {limit} felter, når fragmenter er udfoldet).",
        "The query is too large (at most {limit} fields once fragments are expanded).",
    ),
    "request_too_large": (
        "Forespørgslen er for stor (højst {megabytes} MB).",
        "The request is too large (at most {megabytes} MB).",
    ),
    "cross_origin": (
        "Forespørgsler fra et andet websted afvises.",
        "Requests from another site are refused.",
    ),
    "store_unavailable": (
        "Databasen svarer ikke lige nu. Prøv igen om lidt.",
        "The database is not answering right now. Please try again shortly.",
    ),
}

WHAT: dict[str, tuple[str, str]] = {
    "Organization": ("Organisationen", "The organisation"),
    "User": ("Brugeren", "The user"),
    "Document": ("Dokumentet", "The document"),
    "Section": ("Afsnittet", "The section"),
    "SectionVersion": ("Versionen", "The version"),
    "Snapshot": ("Udkastet", "The snapshot"),
    "Comment": ("Kommentaren", "The comment"),
    "ApprovalRound": ("Den skriftlige proces", "The approval round"),
    "Consultation": ("Høringen", "The consultation"),
    "Invitation": ("Invitationen", "The invitation"),
    "Notification": ("Beskeden", "The message"),
}


_PHASE_PARAMS = ("phase", "current", "target")  # parameters that carry a phase's code
_MOMENT_PARAMS = ("closed_at", "deadline")  # parameters that carry a moment (a datetime or ISO 8601)


def moment_text(moment: datetime, language: Language = "da") -> str:
    """A moment as a reader of ``language`` reads it, in Copenhagen time."""
    if language == "da":
        return danish_datetime(moment)
    return f"{english_date(moment)}, {clock_time(moment)}"


def text(key: str, language: Language = "da", **params: object) -> str:
    da, en = MESSAGES[key]
    template = da if language == "da" else en
    if "what" in params and isinstance(params["what"], str) and params["what"] in WHAT:
        params = {**params, "what": WHAT[params["what"]][0 if language == "da" else 1]}
    for name in _MOMENT_PARAMS:
        value = params.get(name)
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                value = None
        if isinstance(value, datetime) and value.tzinfo is not None:
            params = {**params, name: moment_text(value, language)}
    for name in _PHASE_PARAMS:  # a phase is named in words, never by its code
        if isinstance(params.get(name), str) and f"phase_{params[name]}" in MESSAGES:
            params = {**params, name: text(f"phase_{params[name]}", language)}
    if isinstance(params.get("needed"), str):  # so are roles
        roles = {code: words[0 if language == "da" else 1] for code, words in glossary.labels("role").items()}
        words = [roles.get(r, r) for r in str(params["needed"]).split(" / ")]
        params = {**params, "needed": (" eller " if language == "da" else " or ").join(words)}
    return template.format(**params)


def snapshot_name(number: int, label: str, language: Language = "da") -> str:
    """A snapshot as every page and export names it: "Udgave 2", or "Udgave 2 – Høringsudkast".

    The label is left out when empty or when it is the default that older snapshots were given
    ("Udkast 2"), so the number is never said twice in two words.
    """
    label = label.strip()
    if not label or label == f"Udkast {number}":
        return text("snapshot_name", language, number=number)
    return text("snapshot_name_label", language, number=number, label=label)


def language_of(accept_language: str | None, cookie: str | None = None) -> Language:
    """The request's language: the ``lang`` cookie, else Accept-Language, else Danish."""
    if cookie in ("da", "en"):
        return cookie  # type: ignore[return-value]
    if accept_language:
        first = accept_language.split(",")[0].strip().lower()
        if first.startswith("en"):
            return "en"
    return "da"
