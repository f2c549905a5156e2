"""Transparent Dutch rule sets: acute danger, prompt injection and off-topic questions."""

import re

_DANGER = re.compile(
    r"\b(mes|messen|pistool|wapen|vuurwapen|bijl|hamer|schaar|steken|neersteken|steekt|"
    r"vermoord\w*|doodmaken|doodmaakt|doodschiet\w*|dood\s+(?:te\s+)?maken|ombrengen|"
    r"doodslaan|van\s+kant\s+maken|"
    r"slaat|schopt|wurgt|wurgen|knijpt\s+\w+\s+keel|verkracht\w*|bloedt|bewusteloos|"
    r"opgesloten|sluit\s+\w+\s+op|laat\s+\w+\s+niet\s+(?:weg|gaan)|"
    r"gillen|gilt|schreeuwt\s+om\s+hulp|in\s+elkaar\s+geslagen|mishandelt)\b",
    re.IGNORECASE,
)
_SUICIDE = re.compile(
    r"\b(zelfmoord|suïcid\w*|suicid\w*|van\s+het\s+leven\s+beroven|"
    r"einde\s+aan\s+(?:zijn|haar|mijn|z'n|m'n)\s+leven|niet\s+meer\s+(?:wil\s+)?leven|"
    r"zichzelf\s+iets\s+aan(?:\s+te)?\s+doen|zichzelf\s+(?:te\s+)?doden|wil\s+dood)\b",
    re.IGNORECASE,
)
_NOW = re.compile(
    r"\b(nu|nu\s+net|op\s+dit\s+moment|momenteel|vanavond|vannacht|vandaag|zojuist|net|"
    r"meteen|direct|help|hulp\s+nodig|ik\s+hoor|ik\s+zie|staat\s+voor\s+de\s+deur|"
    r"aan\s+het\s+\w+en|is\s+hier|zijn\s+hier|bij\s+mij|ben\s+bang|dreigt|"
    r"voor\s+de\s+deur|er\s+staat)\b",
    re.IGNORECASE,
)
_POLICY = re.compile(
    r"^\s*(wat|wanneer|hoe|welke|waar|wie|moet|mag|kan|is\s+het|geldt)\b.*"
    r"\b(meldcode|afwegingskader|protocol|beleid|regels?|definitie|professional|"
    r"acute\s+onveiligheid|acuut\s+gevaar|in\s+het\s+algemeen|volgens|stap|norm|richtlijn)\b",
    re.IGNORECASE | re.DOTALL,
)
_HYPOTHETICAL = re.compile(r"\b(als|indien|stel\s+dat|wanneer|bij\s+een|bijvoorbeeld)\b", re.I)

_INJECTION = re.compile(
    r"(negeer|vergeet|ignore|disregard)\b.{0,40}\b(instructies|regels|instructions|rules|prompt)|"
    r"\b(system\s*prompt|systeemprompt|systeem-prompt|je\s+instructies|jouw\s+instructies|"
    r"je\s+prompt|developer\s+mode|jailbreak|dan\s+mode)\b|"
    r"\b(toon|laat\s+zien|geef|print|herhaal)\b.{0,30}\b(prompt|instructies|regels\s+die\s+je)\b|"
    r"\bdoe\s+alsof\s+je\b|\bje\s+bent\s+nu\s+(?:een|geen)\b|\bvanaf\s+nu\s+ben\s+je\b",
    re.IGNORECASE,
)

_DOMAIN = re.compile(
    r"(geweld|mishandel|meldcode|melding|melden|veilig|onveilig|kind|ouder|gezin|partner|"
    r"slachtoffer|pleger|signal|zorg|hulp|huisverbod|wijkteam|lokale?\s+team|gemeente|oss|beleid|"
    r"regie|politie|jeugd|femicide|afweging|aandachtsfunctionaris|beroepsgeheim|meldrecht|"
    r"dossier|letsel|brabant|toekomstscenario|gsv|top-?3|mda|ave\b|koersplan|via\b|"
    r"raad\s+voor\s+de\s+kinderbescherming|rvdk|gecertificeerde|escalatie|mensenhandel|"
    r"uitbuiting|eergerelateerd|besnijdenis|verminking|stalking|dreig|wet\b|wetten|verdrag|"
    r"stuurgroep|governance|programma|casus|professional|cliënt|client|bsn|privacy)",
    re.IGNORECASE,
)


def is_emergency(text: str) -> bool:
    """True when a message describes present danger rather than asking about the rules."""
    if (
        _POLICY.search(text)
        and _HYPOTHETICAL.search(text)
        and not re.search(
            r"\b(nu|op\s+dit\s+moment|vanavond|vannacht|zojuist)\b", text, re.IGNORECASE
        )
    ):
        return False
    if _POLICY.search(text) and not _NOW.search(text):
        return False
    if _SUICIDE.search(text):
        return True
    return bool(_DANGER.search(text) and _NOW.search(text))


def is_injection(text: str) -> bool:
    """True when a message tries to change the rules or extract the instructions."""
    return bool(_INJECTION.search(text))


def is_in_domain(text: str) -> bool:
    """True when a question mentions anything of the assistant's field."""
    return bool(_DOMAIN.search(text))
