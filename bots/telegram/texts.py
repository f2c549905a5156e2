"""Fixed Dutch texts of the Telegram bot (HTML parse mode)."""

from assistant import messages
from assistant.messages import EMERGENCY

COMMANDS = [
    ("start", "Wat deze assistent is en niet is"),
    ("meldcode", "Wegwijzer door de vijf stappen van de meldcode"),
    ("bronnen", "De documenten waaruit ik antwoord"),
    ("nieuw", "Begin een nieuw gesprek (wist de geschiedenis)"),
    ("privacy", "Wat er wordt bewaard en hoe lang"),
    ("help", "Hoe je vragen stelt"),
]

ACUTE = f"🚨 <b>{EMERGENCY}</b>"

START = (
    "<b>ViA-assistent</b> beantwoordt vragen van professionals over veiligheid in "
    "afhankelijkheidsrelaties (huiselijk geweld, kindermishandeling, de meldcode, beleid in Oss "
    "en Noordoost-Brabant), altijd met bronvermelding.\n\n"
    "Ik ondersteun je professionele afweging; ik vervang die niet en ik ben geen meldpunt. "
    "Noem geen namen, adressen of BSN's van cliënten.\n\n"
    f"{ACUTE}\n\n"
    "Stel je vraag gewoon in een bericht, of kies /meldcode voor de wegwijzer."
)

HELP = (
    "<b>Zo werkt het</b>\n"
    "• Stel een vraag in gewone taal, bijv. <i>Ik heb signalen gezien en met een collega "
    "overlegd — wat is de volgende stap?</i>\n"
    "• Onder elk antwoord staan de bronnen: document, hoofdstuk, pagina en link.\n"
    "• Vervolgvragen mogen kort: ik onthoud de laatste vragen van dit gesprek.\n"
    "• 👍/👎 onder een antwoord helpt ons de assistent te verbeteren.\n\n"
    "<b>Opdrachten</b>\n"
    "/meldcode — wegwijzer door de meldcode (tussendoor vragen stellen mag)\n"
    "/bronnen — de documenten waaruit ik antwoord\n"
    "/nieuw — gesprek wissen en opnieuw beginnen\n"
    "/privacy — wat er wordt bewaard\n\n"
    "In een groep antwoord ik alleen als je me noemt (@) of op mijn bericht reageert.\n\n"
    f"{ACUTE}"
)

PRIVACY = (
    "<b>Privacy</b>\n"
    "• Je vragen worden vóór opslag ontdaan van herkenbare gegevens (BSN, telefoonnummers, "
    "e-mail, adressen, data, namen na mevrouw/meneer). Noem toch geen cliëntgegevens.\n"
    "• De gespreksgeschiedenis (vragen en antwoorden) wordt {minutes} minuten na je laatste "
    "vraag gewist; met /nieuw wis je hem direct.\n"
    "• Een 👍/👎 wordt met de bijbehorende (geschoonde) vraag en het antwoord bewaard om de "
    "assistent te verbeteren.\n"
    "• In logbestanden komt geen berichttekst terecht.\n"
    "• Het nummer van deze chat staat bij de geschiedenis en bij gegeven 👍/👎; je "
    "Telegram-gebruikersnummer wordt daarnaast bewaard als je met een toegangscode bent aangemeld."
)

NOT_ALLOWED = (
    "Deze assistent is alleen beschikbaar voor aangesloten professionals. Heb je een "
    "toegangscode gekregen? Stuur dan <code>/start &lt;code&gt;</code>.\n\n" + messages.BANNER
)
NO_ACCESS = "Geen toegang: deze assistent is alleen voor aangesloten professionals."
WELCOME = "Welkom! Je bent aangemeld.\n\n"
RATE_LIMITED = "Je stelt veel vragen kort na elkaar. Probeer het over {seconds} seconden opnieuw."
APOLOGY = (
    "Sorry, er ging iets mis bij het beantwoorden. Probeer het later opnieuw.\n" + messages.BANNER
)
FORGOTTEN = "Het gesprek is gewist. Je kunt een nieuwe vraag stellen."
NO_SOURCES = "Er zijn nog geen documenten opgenomen."
SOURCES_HEADER = "<b>Bronnen in de kennisbank</b>"
CITATIONS_HEADER = "<b>Bronnen</b>"
FEEDBACK_THANKS = "Bedankt voor je feedback!"
FEEDBACK_UNKNOWN = "Dit antwoord is niet meer bekend (gesprek gewist of verlopen)."
STALE_BUTTON = "Deze knop hoort bij een eerder scherm. Gebruik de knoppen van het laatste scherm."
NO_WALK = "Er loopt geen wegwijzer. Start hem met /meldcode."
WALK_HINT = "Tussendoor een vraag? Typ hem gewoon; ik neem deze stap mee."
DOSSIER_BUTTON = "📋 Dossiersamenvatting"
RESTART_BUTTON = "↺ Opnieuw beginnen"
