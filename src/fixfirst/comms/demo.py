"""Demo data of the communication domain: the provider's plan in English, Dutch and German,
a customer's additions, and one incident whose communication is under way.

Idempotent: does nothing when the provider's plan is already there. The content follows the
seed documents: what counts as an incident, who does what (@mentioned), which channel carries
what to whom, a template per phase, the team's values, and the words we do not use.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fixfirst.comms import compose, services
from fixfirst.comms.demo_templates import TEMPLATES
from fixfirst.comms.models import CommunicationPlan, IncidentComms
from fixfirst.comms.plan import effective_plan
from fixfirst.comms.wording import DEFAULT_VAGUE_TERMS
from fixfirst.incidents.models import Incident
from fixfirst.tenancy.models import Customer, User

T = dict[str, str]

TITLE: T = {
    "en": "Incident communication plan",
    "nl": "Communicatieplan bij incidenten",
    "de": "Kommunikationsplan für Störungen",
}
INTRODUCTION: T = {
    "en": "When things go wrong we do not hope that nobody notices: we tell the people affected "
    "what is going on and when they will hear from us again. This plan says in advance what we "
    "count as an incident, who does what, which channel reaches whom, what we write in every "
    "phase and which values guide us — so that nobody has to invent it at 3 a.m.\n\n"
    "Fix first, discuss later: during an incident everything serves restoring service. Cause "
    "and responsibility are settled afterwards, calmly and without blame.",
    "nl": "Als er iets misgaat, hopen we niet dat niemand het merkt: we vertellen de getroffen "
    "mensen wat er speelt en wanneer ze weer van ons horen. Dit plan legt vooraf vast wat we "
    "een incident noemen, wie wat doet, welk kanaal wie bereikt, wat we in elke fase schrijven "
    "en welke waarden ons leiden — zodat niemand het om drie uur 's nachts hoeft te verzinnen.\n\n"
    "Fix first, discuss later: tijdens een incident staat herstel voorop. Oorzaak en "
    "verantwoordelijkheid bepalen we achteraf, in alle rust en zonder schuldvraag.",
    "de": "Wenn etwas schiefgeht, hoffen wir nicht, dass es niemand bemerkt: Wir sagen den "
    "Betroffenen, was los ist und wann sie wieder von uns hören. Dieser Plan legt vorab fest, "
    "was wir als Störung ansehen, wer was tut, welcher Kanal wen erreicht, was wir in jeder "
    "Phase schreiben und welche Werte uns leiten — damit niemand es um drei Uhr nachts erfinden "
    "muss.\n\nFix first, discuss later: Während einer Störung dient alles der "
    "Wiederherstellung. Ursache und Verantwortung klären wir danach, in Ruhe und ohne "
    "Schuldzuweisung.",
}

CRITERIA: list[tuple[T, bool]] = [
    ({"en": "The customer says the impact is high", "nl": "De klant geeft aan dat de impact hoog is", "de": "Der Kunde sagt, die Auswirkung ist hoch"}, True),
    ({"en": "More than one customer is affected", "nl": "Meer dan één klant is getroffen", "de": "Mehr als ein Kunde ist betroffen"}, True),
    ({"en": "Security incident or possible loss of data", "nl": "Beveiligingsincident of mogelijk verlies van data", "de": "Sicherheitsvorfall oder möglicher Datenverlust"}, True),
    ({"en": "A service is down for more than 30 minutes", "nl": "Een dienst ligt langer dan 30 minuten plat", "de": "Ein Dienst ist länger als 30 Minuten ausgefallen"}, True),
    ({"en": "A critical business process is at risk (orders, production, patient appointments)", "nl": "Een kritiek bedrijfsproces komt in gevaar (orders, productie, patiëntafspraken)", "de": "Ein kritischer Geschäftsprozess ist gefährdet (Aufträge, Produktion, Patiententermine)"}, True),
    ({"en": "A disaster scenario of the continuity plan applies (data-centre or cloud-region outage)", "nl": "Een rampscenario uit het continuïteitsplan doet zich voor (uitval datacenter of cloudregio)", "de": "Ein Katastrophenszenario des Notfallplans tritt ein (Ausfall Rechenzentrum oder Cloud-Region)"}, True),
    ({"en": "Employees of a department or location cannot do their work", "nl": "Medewerkers van een afdeling of locatie kunnen hun werk niet doen", "de": "Mitarbeitende einer Abteilung oder eines Standorts können nicht arbeiten"}, False),
    ({"en": "A service is noticeably slow or partly unavailable", "nl": "Een dienst is merkbaar traag of deels niet beschikbaar", "de": "Ein Dienst ist spürbar langsam oder teilweise nicht verfügbar"}, False),
    ({"en": "One user or workstation is affected and there is a workaround", "nl": "Eén gebruiker of werkplek is getroffen en er is een workaround", "de": "Ein Benutzer oder Arbeitsplatz ist betroffen und es gibt einen Workaround"}, False),
]  # fmt: skip

# (kind, title, duties, usernames, others)
ROLES: list[tuple[str, T, T, list[str], str]] = [
    ("incident_commander", {},
     {"en": "Leads the response and decides. Declares a major incident, forms the core team and keeps everyone on restoring service: fix first, discuss later.",
      "nl": "Leidt de aanpak en beslist. Roept een major incident uit, stelt het kernteam samen en houdt iedereen bij het herstel: fix first, discuss later.",
      "de": "Leitet die Behebung und entscheidet. Ruft einen Major Incident aus, stellt das Kernteam zusammen und hält alle beim Wiederherstellen: fix first, discuss later."},
     ["ingrid"], ""),
    ("communications_lead", {},
     {"en": "Writes and posts every update from the templates to every channel, on cadence. One voice towards customers and management; keeps the status page current.",
      "nl": "Schrijft en plaatst elke update vanuit de sjablonen op alle kanalen, volgens de cadans. Eén stem naar klanten en management; houdt de statuspagina actueel.",
      "de": "Schreibt und veröffentlicht jedes Update aus den Vorlagen auf allen Kanälen, im vereinbarten Takt. Eine Stimme gegenüber Kunden und Management; hält die Statusseite aktuell."},
     ["anna"], ""),
    ("scribe", {},
     {"en": "Keeps the timeline: decisions, actions, times and what was tried. Prepares the input for the post-incident review.",
      "nl": "Houdt de tijdlijn bij: besluiten, acties, tijden en wat er geprobeerd is. Bereidt de input voor de evaluatie voor.",
      "de": "Führt die Zeitleiste: Entscheidungen, Maßnahmen, Zeiten und was versucht wurde. Bereitet die Auswertung vor."},
     ["tom"], ""),
    ("technical_lead", {},
     {"en": "Leads the investigation and the fix or workaround, brings in specialists, tells the commander what is known and when the next step is expected.",
      "nl": "Leidt het onderzoek en de oplossing of workaround, haalt specialisten erbij, vertelt de commandant wat bekend is en wanneer de volgende stap komt.",
      "de": "Leitet die Untersuchung und die Lösung oder den Workaround, holt Spezialisten dazu, sagt dem Commander, was bekannt ist und wann der nächste Schritt kommt."},
     ["erik"], ""),
    ("customer_liaison", {},
     {"en": "The customer's single point of contact during the incident: calls their IT contact at the start of a P1 and at resolution, and brings the customer's questions to the core team.",
      "nl": "Het aanspreekpunt van de klant tijdens het incident: belt bij een P1 de IT-contactpersoon bij de start en bij het herstel, en brengt vragen van de klant naar het kernteam.",
      "de": "Ansprechpartner des Kunden während der Störung: ruft bei einem P1 zu Beginn und bei der Lösung die IT-Kontaktperson an und bringt Fragen des Kunden ins Kernteam."},
     ["admin"], ""),
    ("subject_matter_expert", {},
     {"en": "Specialists added to the core team when needed: network, servers, cloud, the customer's applications. External specialists of suppliers on request of the technical lead.",
      "nl": "Specialisten die het kernteam aanvullen als dat nodig is: netwerk, servers, cloud, de applicaties van de klant. Externe specialisten van leveranciers op verzoek van de technisch leider.",
      "de": "Spezialisten, die das Kernteam bei Bedarf ergänzen: Netzwerk, Server, Cloud, die Anwendungen des Kunden. Externe Spezialisten von Lieferanten auf Anfrage des technischen Leiters."},
     ["eva", "omar"], "Supplier specialists on request"),
    ("other",
     {"en": "Service continuity manager", "nl": "Service continuity manager", "de": "Service-Continuity-Manager"},
     {"en": "Invokes the continuity or disaster-recovery plan when a disaster scenario applies and leads the recovery team.",
      "nl": "Zet het continuïteits- of disaster-recoveryplan in werking bij een rampscenario en leidt het herstelteam.",
      "de": "Setzt den Notfall- oder Disaster-Recovery-Plan in Kraft, wenn ein Katastrophenszenario eintritt, und leitet das Wiederherstellungsteam."},
     ["carl"], ""),
]  # fmt: skip

# (kind, name, incident types, audiences, access)
CHANNELS: list[tuple[str, T, T, T, T]] = [
    ("status_page", {"en": "Status page", "nl": "Statuspagina", "de": "Statusseite"},
     {"en": "Every incident that affects a service for more than one user; planned maintenance.", "nl": "Elk incident dat een dienst raakt voor meer dan één gebruiker; gepland onderhoud.", "de": "Jede Störung, die einen Dienst für mehr als einen Benutzer betrifft; geplante Wartung."},
     {"en": "Customers' employees and management; subscribers by email and webhook.", "nl": "Medewerkers en management van klanten; abonnees via e-mail en webhook.", "de": "Mitarbeitende und Management der Kunden; Abonnenten per E-Mail und Webhook."},
     {"en": "Posted from the FixFirst update composer by the communications lead; incident managers can post too.", "nl": "Geplaatst vanuit de updatecomposer van FixFirst door de communicatieleider; incidentmanagers kunnen ook plaatsen.", "de": "Wird vom Kommunikationsleiter über den Update-Editor in FixFirst veröffentlicht; Incident Manager können ebenfalls veröffentlichen."}),
    ("email", {"en": "Email to customer contacts", "nl": "E-mail aan contactpersonen", "de": "E-Mail an Kontaktpersonen"},
     {"en": "P1 and P2 incidents; every incident a contact asked to follow.", "nl": "P1- en P2-incidenten; elk incident dat een contactpersoon wil volgen.", "de": "P1- und P2-Störungen; jede Störung, der eine Kontaktperson folgen möchte."},
     {"en": "The customer's IT contact and management, as listed per customer.", "nl": "De IT-contactpersoon en het management van de klant, zoals per klant vastgelegd.", "de": "IT-Kontakt und Management des Kunden, wie je Kunde hinterlegt."},
     {"en": "Sent by FixFirst from servicedesk@kade-it.example; contacts are kept per customer in FixFirst.", "nl": "Verstuurd door FixFirst vanaf servicedesk@kade-it.example; contactpersonen staan per klant in FixFirst.", "de": "Versand durch FixFirst von servicedesk@kade-it.example; Kontakte sind je Kunde in FixFirst gepflegt."}),
    ("portal", {"en": "Customer portal and incident timeline", "nl": "Klantportaal en incidenttijdlijn", "de": "Kundenportal und Zeitleiste der Störung"},
     {"en": "Every incident.", "nl": "Elk incident.", "de": "Jede Störung."},
     {"en": "The reporter and the customer's users.", "nl": "De melder en de gebruikers van de klant.", "de": "Die meldende Person und die Benutzer des Kunden."},
     {"en": "Customer users log in with their FixFirst account; customer administrators invite colleagues.", "nl": "Klantgebruikers loggen in met hun FixFirst-account; klantbeheerders nodigen collega's uit.", "de": "Kundenbenutzer melden sich mit ihrem FixFirst-Konto an; Kundenadministratoren laden Kollegen ein."}),
    ("service_desk", {"en": "Service desk phone +31 20 555 0100", "nl": "Servicedesk telefoon +31 20 555 0100", "de": "Service Desk Telefon +31 20 555 0100"},
     {"en": "P1 incidents: the customer liaison calls at the start and at resolution.", "nl": "P1-incidenten: de klantcontactpersoon belt bij de start en bij het herstel.", "de": "P1-Störungen: der Kundenbetreuer ruft zu Beginn und bei der Lösung an."},
     {"en": "The customer's IT contact.", "nl": "De IT-contactpersoon van de klant.", "de": "Der IT-Kontakt des Kunden."},
     {"en": "Phone numbers are on the customer's page in FixFirst; out of hours through the on-call number.", "nl": "Telefoonnummers staan op de klantpagina in FixFirst; buiten kantoortijd via het piketnummer.", "de": "Telefonnummern stehen auf der Kundenseite in FixFirst; außerhalb der Geschäftszeiten über die Bereitschaftsnummer."}),
    ("chat", {"en": "War-room chat channel", "nl": "War-room chatkanaal", "de": "War-Room-Chatkanal"},
     {"en": "Major incidents.", "nl": "Major incidents.", "de": "Major Incidents."},
     {"en": "Core team, specialists; management on invitation.", "nl": "Kernteam, specialisten; management op uitnodiging.", "de": "Kernteam, Spezialisten; Management auf Einladung."},
     {"en": "Created when a major incident is declared; ask the incident commander to be added.", "nl": "Wordt aangemaakt bij het uitroepen van een major incident; vraag de commandant om toegang.", "de": "Wird beim Ausrufen eines Major Incidents angelegt; beim Commander um Zugang bitten."}),
    ("social", {"en": "Social media", "nl": "Social media", "de": "Soziale Medien"},
     {"en": "Only major incidents that affect several customers, after approval of the incident commander.", "nl": "Alleen major incidents die meerdere klanten raken, na akkoord van de commandant.", "de": "Nur Major Incidents, die mehrere Kunden betreffen, nach Freigabe durch den Commander."},
     {"en": "The general public.", "nl": "Het publiek.", "de": "Die Öffentlichkeit."},
     {"en": "Credentials in the password vault; the marketing team posts on request of the communications lead.", "nl": "Inloggegevens in de wachtwoordkluis; het marketingteam plaatst op verzoek van de communicatieleider.", "de": "Zugangsdaten im Passwort-Tresor; das Marketing-Team veröffentlicht auf Bitte des Kommunikationsleiters."}),
]  # fmt: skip

VALUES: list[tuple[T, T]] = [
    ({"en": "Fix first, discuss later", "nl": "Fix first, discuss later", "de": "Fix first, discuss later"},
     {"en": "During an incident everything serves restoring service, with a fix or a workaround. Cause and responsibility are settled afterwards, calmly.",
      "nl": "Tijdens een incident staat alles in dienst van herstel, met een oplossing of een workaround. Oorzaak en verantwoordelijkheid bepalen we achteraf, in alle rust.",
      "de": "Während einer Störung dient alles der Wiederherstellung, mit einer Lösung oder einem Workaround. Ursache und Verantwortung klären wir danach, in Ruhe."}),
    ({"en": "We trust the customer's word", "nl": "We vertrouwen op het woord van de klant", "de": "Wir vertrauen dem Wort des Kunden"},
     {"en": "When the customer says the impact is high, we handle it as a P1. No debate about priority while people cannot work.",
      "nl": "Zegt de klant dat de impact hoog is, dan pakken we het op als P1. Geen discussie over prioriteit zolang mensen niet kunnen werken.",
      "de": "Sagt der Kunde, die Auswirkung ist hoch, behandeln wir es als P1. Keine Diskussion über Prioritäten, solange Menschen nicht arbeiten können."}),
    ({"en": "Everyone knows", "nl": "Iedereen weet het", "de": "Alle wissen Bescheid"},
     {"en": "A P1 reaches all engineers at once, so that knowledge from other customers helps straight away. The core team is the customer's single point of contact.",
      "nl": "Een P1 bereikt alle engineers tegelijk, zodat kennis van andere klanten direct helpt. Het kernteam is het aanspreekpunt van de klant.",
      "de": "Ein P1 erreicht alle Engineers gleichzeitig, damit Wissen von anderen Kunden sofort hilft. Das Kernteam ist der Ansprechpartner des Kunden."}),
    ({"en": "Blameless, and we learn", "nl": "Zonder schuldvraag, en we leren", "de": "Ohne Schuldzuweisung, und wir lernen"},
     {"en": "The review after an incident looks for causes, not culprits. Every incident has a lesson; we take it up together with the customer.",
      "nl": "De evaluatie na een incident zoekt oorzaken, geen schuldigen. In elk incident zit een leerpunt; dat pakken we samen met de klant op.",
      "de": "Die Auswertung nach einer Störung sucht Ursachen, keine Schuldigen. Jede Störung enthält eine Lehre; die gehen wir gemeinsam mit dem Kunden an."}),
    ({"en": "Say what happened", "nl": "Zeg wat er gebeurd is", "de": "Sagen, was passiert ist"},
     {"en": "We never explain an incident as \"a technical failure\". We say what happened, what we learned and how we will prevent it.",
      "nl": "We verklaren een incident nooit met \"een technische storing\". We zeggen wat er gebeurd is, wat we geleerd hebben en hoe we het voorkomen.",
      "de": "Wir erklären eine Störung nie mit \"einer technischen Störung\". Wir sagen, was passiert ist, was wir gelernt haben und wie wir es verhindern."}),
    ({"en": "Our effort does not depend on whose fault it is", "nl": "Onze inzet hangt niet af van wiens schuld het is", "de": "Unser Einsatz hängt nicht von der Schuldfrage ab"},
     {"en": "Even when the cause lies outside our contract, we work just as hard to restore service.",
      "nl": "Ook als de oorzaak buiten ons contract ligt, werken we net zo hard aan herstel.",
      "de": "Auch wenn die Ursache außerhalb unseres Vertrags liegt, arbeiten wir genauso hart an der Wiederherstellung."}),
]  # fmt: skip

# priority -> minutes between updates
CADENCE = {1: 30, 2: 60, 3: 240, 4: 1440}

# A customer's own additions: Müller runs production 24x7.
MUELLER: dict[str, Any] = {
    "criteria": [({"en": "Production orders do not reach the machines", "nl": "Productieorders bereiken de machines niet", "de": "Fertigungsaufträge erreichen die Maschinen nicht"}, True)],
    "liaison": (["eva"], "Stefan Braun (Geschäftsführer), by phone for every P1",
                {"en": "Eva speaks German with the customer's IT lead and calls Stefan Braun at the start and end of every P1.",
                 "nl": "Eva spreekt Duits met de IT-leider van de klant en belt Stefan Braun bij start en einde van elke P1.",
                 "de": "Eva spricht mit dem IT-Leiter des Kunden und ruft Stefan Braun zu Beginn und am Ende jedes P1 an."}),
    "cadence": {2: 30},
}  # fmt: skip


def _provider_plan() -> CommunicationPlan:
    plan = services.create_plan(by=None, title=TITLE, introduction=INTRODUCTION)
    for position, (text, major) in enumerate(CRITERIA):
        services.save_item(plan, "criteria", by=None, text=text, is_major=major, position=position)
    staff = {u.username: u for u in User.objects.filter(customer__isnull=True)}
    for position, (kind, title, duties, names, others) in enumerate(ROLES):
        services.save_item(
            plan, "roles", by=None, kind=kind, title=title, duties=duties, other_people=others,
            people=[staff[n] for n in names if n in staff], position=position,
        )  # fmt: skip
    for position, (kind, name, types, audiences, access) in enumerate(CHANNELS):
        services.save_item(
            plan, "channels", by=None, kind=kind, name=name, incident_types=types,
            audiences=audiences, access=access, position=position,
        )  # fmt: skip
    for language, templates in TEMPLATES.items():
        for (phase, audience), (subject, body) in templates.items():
            services.save_item(
                plan, "templates", by=None, phase=phase, audience=audience, language=language,
                subject=subject, body=body,
            )  # fmt: skip
    for priority, minutes in CADENCE.items():
        services.save_item(plan, "cadence", by=None, priority=priority, minutes=minutes)
    for position, (title, description) in enumerate(VALUES):
        services.save_item(
            plan, "values", by=None, title=title, description=description, position=position
        )
    for language, terms in DEFAULT_VAGUE_TERMS.items():
        for term in terms:
            services.save_item(plan, "wording", by=None, language=language, term=term)
    return plan


def _customer_plan(customer: Customer) -> None:
    plan = services.create_plan(by=None, customer=customer)
    for text, major in MUELLER["criteria"]:
        services.save_item(plan, "criteria", by=None, text=text, is_major=major, position=100)
    names, others, duties = MUELLER["liaison"]
    services.save_item(
        plan, "roles", by=None, kind="customer_liaison", duties=duties, other_people=others,
        people=list(User.objects.filter(username__in=names)),
    )  # fmt: skip
    for priority, minutes in MUELLER["cadence"].items():
        services.save_item(plan, "cadence", by=None, priority=priority, minutes=minutes)


def _live_incident() -> None:
    """Bakker's open P1: criteria ticked, a first update posted, the next one due."""
    incident = Incident.objects.filter(title="ERP does not print delivery notes").first()
    commander = User.objects.filter(username="anna").first()
    if incident is None or commander is None or not incident.is_open:
        return
    if IncidentComms.objects.filter(incident=incident).exists():
        return
    plan_criteria = effective_plan(incident.customer).criteria
    services.tick_criteria(incident, by=commander, criteria=plan_criteria[:1])
    drafted = compose.draft(incident, phase="investigating")
    compose.post_comms_update(
        incident, by=commander, phase="investigating", language=drafted.language,
        subject=drafted.subject, body=drafted.body,
    )  # fmt: skip


@transaction.atomic
def load() -> None:
    if CommunicationPlan.objects.filter(customer__isnull=True).exists():
        return
    _provider_plan()
    mueller = Customer.objects.filter(slug="mueller").first()
    if mueller is not None:
        _customer_plan(mueller)
    _live_incident()
