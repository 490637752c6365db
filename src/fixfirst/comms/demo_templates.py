"""The demo plan's message templates: every phase, for customers, staff and management, in
English, Dutch and German. Parts in [square brackets] are for the writer to fill in; the
composer will not post them unchecked."""

from __future__ import annotations

# language -> (phase, audience) -> (subject, body)
TEMPLATES: dict[str, dict[tuple[str, str], tuple[str, str]]] = {
    "en": {
        ("investigating", "customers"): (
            "[{reference}] We are investigating: {title}",
            "We are investigating a problem with {services} at {customer}, reported on {started}.\n\n"
            "What you notice: {title}.\nImpact: {impact}.\nWorkaround: {workaround}.\n\n"
            "Our incident team, led by {commander}, is working on it with priority. You will hear "
            "from us again by {next_update}, sooner if we know more.",
        ),
        ("identified", "customers"): (
            "[{reference}] Cause found: {title}",
            "We have found the cause of the problem with {services}: [what went wrong, in plain words].\n\n"
            "We are now [what we are doing to restore service]. Until then: {workaround}.\n\n"
            "Next update by {next_update}.",
        ),
        ("monitoring", "customers"): (
            "[{reference}] Fixed, we are monitoring: {title}",
            "We have put a fix in place for the problem with {services}: [what we changed]. "
            "Everything should work again; we are watching closely to make sure it stays that way.\n\n"
            "Still noticing problems? Reply to this message or call the service desk. "
            "Next update by {next_update}.",
        ),
        ("resolved", "customers"): (
            "[{reference}] Resolved: {title}",
            "The problem with {services} that started on {started} is resolved.\n\n"
            "What happened: [what went wrong, in plain words].\nCause: [why it went wrong].\n"
            "What we did: [the fix, or the workaround that is in place].\n\n"
            "We will review the incident without looking for someone to blame, and tell you what we "
            "learned and how we will prevent it. Thank you for your patience.",
        ),
        ("post_incident", "customers"): (
            "[{reference}] What we learned: {title}",
            "We have reviewed the incident of {started} with {services}.\n\n"
            "What happened: [the course of events].\nCause: [the root cause and what contributed].\n"
            "What we learned: [the lessons].\nHow we prevent it: [actions, with dates].\n\n"
            "Questions about this review? Reply to this message; {commander} will answer.",
        ),
        ("investigating", "staff"): (
            "[{reference}] Investigating (impact: {impact}) at {customer}",
            "{incident} at {customer} is being investigated. Commander: {commander}. "
            "Status: {status}. Impact: {impact}. Services: {services}.\n\n"
            "Knowledge from other customers that may help? Tell the commander. "
            "Join the core team only when asked. Next update by {next_update}.",
        ),
        ("identified", "staff"): (
            "[{reference}] Cause found",
            "Cause of {incident}: [cause]. The technical lead is working on [fix]. "
            "Workaround for the customer: {workaround}. Next update by {next_update}.",
        ),
        ("monitoring", "staff"): (
            "[{reference}] Fix in place, monitoring",
            "Fix in place for {incident}: [what changed]. Watching [what] until [when]. "
            "Next update by {next_update}.",
        ),
        ("resolved", "staff"): (
            "[{reference}] Resolved",
            "{incident} is resolved. Cause: [cause]. Fix: [fix].\n\n"
            "Scribe: complete the timeline today. Commander: schedule the blameless review "
            "within five working days.",
        ),
        ("post_incident", "staff"): (
            "[{reference}] Review done",
            "The review of {incident} is done. Cause: [root cause]. Actions: [actions with owners "
            "and due dates]. Lessons: [lessons]. We discuss them in the next team meeting.",
        ),
        ("investigating", "management"): (
            "Management summary {reference}: {title}",
            "On {started} an incident began that affects {services} at {customer}. Impact: {impact}.\n\n"
            "{commander} leads the response; all our engineers have been informed. "
            "Workaround: {workaround}. You will hear from us again by {next_update}.",
        ),
        ("identified", "management"): (
            "Management summary {reference}: cause found",
            "We know why {services} at {customer} is disrupted: [the cause in one sentence]. "
            "Expected restoration: [estimate]. Business impact so far: [what could not be done]. "
            "Next update by {next_update}.",
        ),
        ("monitoring", "management"): (
            "Management summary {reference}: service restored",
            "{services} at {customer} works again since [time]; we are monitoring. "
            "Duration of the disruption: [duration]. Next update by {next_update}.",
        ),
        ("resolved", "management"): (
            "Management summary {reference}: resolved",
            "{incident} is resolved.\n\nWhat happened: [in plain words]. Cause: [the cause]. "
            "Impact on your business: [what could not be done, for how long].\n\n"
            "A blameless review follows; you will receive its conclusions and the actions we take.",
        ),
        ("post_incident", "management"): (
            "Review {reference}: conclusions",
            "Review of {incident}.\n\nWhat happened: [the course of events].\nCause: [root cause].\n"
            "What we learned: [lessons].\nHow we prevent it: [actions, owners, dates].\n"
            "Responsibility, settled after the review: [who was responsible for what].",
        ),
    },
    "nl": {
        ("investigating", "customers"): (
            "[{reference}] We onderzoeken: {title}",
            "We onderzoeken een probleem met {services} bij {customer}, gemeld op {started}.\n\n"
            "Wat u merkt: {title}.\nImpact: {impact}.\nWorkaround: {workaround}.\n\n"
            "Ons incidentteam onder leiding van {commander} werkt er met voorrang aan. U hoort "
            "uiterlijk {next_update} weer van ons, eerder als we meer weten.",
        ),
        ("identified", "customers"): (
            "[{reference}] Oorzaak gevonden: {title}",
            "We hebben de oorzaak van het probleem met {services} gevonden: [wat er misging, in gewone woorden].\n\n"
            "We zijn nu bezig met [wat we doen om de dienst te herstellen]. Tot die tijd: {workaround}.\n\n"
            "Volgende update uiterlijk {next_update}.",
        ),
        ("monitoring", "customers"): (
            "[{reference}] Opgelost, we houden het in de gaten: {title}",
            "We hebben een oplossing doorgevoerd voor het probleem met {services}: [wat we veranderd hebben]. "
            "Alles zou weer moeten werken; we houden het nauwlettend in de gaten.\n\n"
            "Merkt u nog problemen? Beantwoord dit bericht of bel de servicedesk. "
            "Volgende update uiterlijk {next_update}.",
        ),
        ("resolved", "customers"): (
            "[{reference}] Opgelost: {title}",
            "Het probleem met {services} dat op {started} begon, is opgelost.\n\n"
            "Wat er gebeurde: [wat er misging, in gewone woorden].\nOorzaak: [waarom het misging].\n"
            "Wat we gedaan hebben: [de oplossing, of de workaround die er nu is].\n\n"
            "We evalueren het incident zonder schuldige te zoeken en laten u weten wat we geleerd "
            "hebben en hoe we het voorkomen. Dank voor uw geduld.",
        ),
        ("post_incident", "customers"): (
            "[{reference}] Wat we geleerd hebben: {title}",
            "We hebben het incident van {started} met {services} geëvalueerd.\n\n"
            "Wat er gebeurde: [het verloop].\nOorzaak: [de grondoorzaak en wat bijdroeg].\n"
            "Wat we geleerd hebben: [de lessen].\nHoe we het voorkomen: [acties, met data].\n\n"
            "Vragen over deze evaluatie? Beantwoord dit bericht; {commander} reageert.",
        ),
        ("investigating", "staff"): (
            "[{reference}] Onderzoek (impact: {impact}) bij {customer}",
            "{incident} bij {customer} wordt onderzocht. Commandant: {commander}. "
            "Status: {status}. Impact: {impact}. Diensten: {services}.\n\n"
            "Kennis van andere klanten die kan helpen? Meld het de commandant. "
            "Sluit alleen op verzoek aan bij het kernteam. Volgende update uiterlijk {next_update}.",
        ),
        ("identified", "staff"): (
            "[{reference}] Oorzaak gevonden",
            "Oorzaak van {incident}: [oorzaak]. De technisch leider werkt aan [oplossing]. "
            "Workaround voor de klant: {workaround}. Volgende update uiterlijk {next_update}.",
        ),
        ("monitoring", "staff"): (
            "[{reference}] Oplossing doorgevoerd, monitoring",
            "Oplossing doorgevoerd voor {incident}: [wat er veranderd is]. We bewaken [wat] tot [wanneer]. "
            "Volgende update uiterlijk {next_update}.",
        ),
        ("resolved", "staff"): (
            "[{reference}] Opgelost",
            "{incident} is opgelost. Oorzaak: [oorzaak]. Oplossing: [oplossing].\n\n"
            "Notulist: maak de tijdlijn vandaag compleet. Commandant: plan de evaluatie zonder "
            "schuldvraag binnen vijf werkdagen.",
        ),
        ("post_incident", "staff"): (
            "[{reference}] Evaluatie afgerond",
            "De evaluatie van {incident} is afgerond. Oorzaak: [grondoorzaak]. Acties: [acties met "
            "eigenaar en datum]. Lessen: [lessen]. We bespreken ze in het volgende teamoverleg.",
        ),
        ("investigating", "management"): (
            "Managementsamenvatting {reference}: {title}",
            "Op {started} begon een incident dat {services} bij {customer} raakt. Impact: {impact}.\n\n"
            "{commander} leidt de aanpak; al onze engineers zijn ingelicht. "
            "Workaround: {workaround}. U hoort uiterlijk {next_update} weer van ons.",
        ),
        ("identified", "management"): (
            "Managementsamenvatting {reference}: oorzaak gevonden",
            "We weten waarom {services} bij {customer} verstoord is: [de oorzaak in één zin]. "
            "Verwacht herstel: [schatting]. Impact op de bedrijfsvoering tot nu toe: [wat niet kon]. "
            "Volgende update uiterlijk {next_update}.",
        ),
        ("monitoring", "management"): (
            "Managementsamenvatting {reference}: dienst hersteld",
            "{services} bij {customer} werkt weer sinds [tijdstip]; we houden het in de gaten. "
            "Duur van de verstoring: [duur]. Volgende update uiterlijk {next_update}.",
        ),
        ("resolved", "management"): (
            "Managementsamenvatting {reference}: opgelost",
            "{incident} is opgelost.\n\nWat er gebeurde: [in gewone woorden]. Oorzaak: [de oorzaak]. "
            "Impact op uw bedrijfsvoering: [wat niet kon, hoe lang].\n\n"
            "Er volgt een evaluatie zonder schuldvraag; u ontvangt de conclusies en onze acties.",
        ),
        ("post_incident", "management"): (
            "Evaluatie {reference}: conclusies",
            "Evaluatie van {incident}.\n\nWat er gebeurde: [het verloop].\nOorzaak: [grondoorzaak].\n"
            "Wat we geleerd hebben: [lessen].\nHoe we het voorkomen: [acties, eigenaren, data].\n"
            "Verantwoordelijkheid, vastgesteld na de evaluatie: [wie waarvoor verantwoordelijk was].",
        ),
    },
    "de": {
        ("investigating", "customers"): (
            "[{reference}] Wir untersuchen: {title}",
            "Wir untersuchen ein Problem mit {services} bei {customer}, gemeldet am {started}.\n\n"
            "Was Sie bemerken: {title}.\nAuswirkung: {impact}.\nWorkaround: {workaround}.\n\n"
            "Unser Incident-Team unter der Leitung von {commander} arbeitet mit Vorrang daran. "
            "Sie hören spätestens {next_update} wieder von uns, früher, sobald wir mehr wissen.",
        ),
        ("identified", "customers"): (
            "[{reference}] Ursache gefunden: {title}",
            "Wir haben die Ursache des Problems mit {services} gefunden: [was schiefging, in einfachen Worten].\n\n"
            "Wir sind jetzt dabei, [was wir tun, um den Dienst wiederherzustellen]. Bis dahin: {workaround}.\n\n"
            "Nächstes Update spätestens {next_update}.",
        ),
        ("monitoring", "customers"): (
            "[{reference}] Behoben, wir beobachten: {title}",
            "Wir haben eine Lösung für das Problem mit {services} umgesetzt: [was wir geändert haben]. "
            "Alles sollte wieder funktionieren; wir beobachten die Lage genau.\n\n"
            "Bemerken Sie noch Probleme? Antworten Sie auf diese Nachricht oder rufen Sie den "
            "Service Desk an. Nächstes Update spätestens {next_update}.",
        ),
        ("resolved", "customers"): (
            "[{reference}] Gelöst: {title}",
            "Das Problem mit {services}, das am {started} begann, ist gelöst.\n\n"
            "Was passiert ist: [was schiefging, in einfachen Worten].\nUrsache: [warum es schiefging].\n"
            "Was wir getan haben: [die Lösung oder der Workaround, der jetzt greift].\n\n"
            "Wir werten den Vorfall ohne Schuldzuweisung aus und teilen Ihnen mit, was wir gelernt "
            "haben und wie wir ihn künftig verhindern. Danke für Ihre Geduld.",
        ),
        ("post_incident", "customers"): (
            "[{reference}] Was wir gelernt haben: {title}",
            "Wir haben den Vorfall vom {started} mit {services} ausgewertet.\n\n"
            "Was passiert ist: [der Verlauf].\nUrsache: [die Grundursache und was dazu beitrug].\n"
            "Was wir gelernt haben: [die Lehren].\nWie wir es verhindern: [Maßnahmen, mit Terminen].\n\n"
            "Fragen zu dieser Auswertung? Antworten Sie auf diese Nachricht; {commander} meldet sich.",
        ),
        ("investigating", "staff"): (
            "[{reference}] Untersuchung (Auswirkung: {impact}) bei {customer}",
            "{incident} bei {customer} wird untersucht. Incident Commander: {commander}. "
            "Status: {status}. Auswirkung: {impact}. Dienste: {services}.\n\n"
            "Wissen von anderen Kunden, das helfen kann? Sagen Sie es dem Commander. "
            "Treten Sie dem Kernteam nur auf Anfrage bei. Nächstes Update spätestens {next_update}.",
        ),
        ("identified", "staff"): (
            "[{reference}] Ursache gefunden",
            "Ursache von {incident}: [Ursache]. Der technische Leiter arbeitet an [Lösung]. "
            "Workaround für den Kunden: {workaround}. Nächstes Update spätestens {next_update}.",
        ),
        ("monitoring", "staff"): (
            "[{reference}] Lösung umgesetzt, Beobachtung",
            "Lösung für {incident} umgesetzt: [was geändert wurde]. Wir beobachten [was] bis [wann]. "
            "Nächstes Update spätestens {next_update}.",
        ),
        ("resolved", "staff"): (
            "[{reference}] Gelöst",
            "{incident} ist gelöst. Ursache: [Ursache]. Lösung: [Lösung].\n\n"
            "Protokollführer: Zeitleiste heute vervollständigen. Commander: die Auswertung ohne "
            "Schuldzuweisung innerhalb von fünf Arbeitstagen ansetzen.",
        ),
        ("post_incident", "staff"): (
            "[{reference}] Auswertung abgeschlossen",
            "Die Auswertung von {incident} ist abgeschlossen. Ursache: [Grundursache]. Maßnahmen: "
            "[Maßnahmen mit Verantwortlichen und Terminen]. Lehren: [Lehren]. Wir besprechen sie "
            "in der nächsten Teambesprechung.",
        ),
        ("investigating", "management"): (
            "Management-Zusammenfassung {reference}: {title}",
            "Am {started} begann ein Vorfall, der {services} bei {customer} betrifft. Auswirkung: {impact}.\n\n"
            "{commander} leitet die Behebung; alle unsere Engineers sind informiert. "
            "Workaround: {workaround}. Sie hören spätestens {next_update} wieder von uns.",
        ),
        ("identified", "management"): (
            "Management-Zusammenfassung {reference}: Ursache gefunden",
            "Wir wissen, warum {services} bei {customer} gestört ist: [die Ursache in einem Satz]. "
            "Erwartete Wiederherstellung: [Schätzung]. Geschäftliche Auswirkung bisher: [was nicht "
            "möglich war]. Nächstes Update spätestens {next_update}.",
        ),
        ("monitoring", "management"): (
            "Management-Zusammenfassung {reference}: Dienst wiederhergestellt",
            "{services} bei {customer} funktioniert seit [Uhrzeit] wieder; wir beobachten. "
            "Dauer der Störung: [Dauer]. Nächstes Update spätestens {next_update}.",
        ),
        ("resolved", "management"): (
            "Management-Zusammenfassung {reference}: gelöst",
            "{incident} ist gelöst.\n\nWas passiert ist: [in einfachen Worten]. Ursache: [die Ursache]. "
            "Auswirkung auf Ihr Geschäft: [was nicht möglich war, wie lange].\n\n"
            "Es folgt eine Auswertung ohne Schuldzuweisung; Sie erhalten die Ergebnisse und unsere Maßnahmen.",
        ),
        ("post_incident", "management"): (
            "Auswertung {reference}: Ergebnisse",
            "Auswertung von {incident}.\n\nWas passiert ist: [der Verlauf].\nUrsache: [Grundursache].\n"
            "Was wir gelernt haben: [Lehren].\nWie wir es verhindern: [Maßnahmen, Verantwortliche, Termine].\n"
            "Verantwortung, festgestellt nach der Auswertung: [wer wofür verantwortlich war].",
        ),
    },
}
