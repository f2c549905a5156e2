"""Fixed Dutch texts shown to professionals."""

BANNER = "Acuut gevaar? Bel 112 · Advies of melden: Veilig Thuis 0800-2000."

EMERGENCY = (
    "Bel direct 112 bij acuut gevaar. Voor advies of een melding: Veilig Thuis 0800-2000 "
    "(gratis, 24 uur per dag, 7 dagen per week)."
)
NOT_FOUND = (
    "Dit staat niet in de bronnen die ik kan raadplegen. Overleg met de aandachtsfunctionaris "
    "in je organisatie of vraag advies aan Veilig Thuis (0800-2000, gratis, 24/7)."
)
REFUSED = (
    "Ik beantwoord alleen vragen over veiligheid in afhankelijkheidsrelaties: huiselijk geweld, "
    "kindermishandeling, de meldcode en het beleid in Oss en Noordoost-Brabant."
)
INJECTION = (
    "Dat kan ik niet doen: mijn werkwijze ligt vast. Ik beantwoord vragen over veiligheid in "
    "afhankelijkheidsrelaties met bronvermelding."
)
EMPTY_QUESTION = (
    "De vraag is leeg. Typ een vraag over huiselijk geweld, kindermishandeling of de meldcode."
)
LONG_QUESTION = "De vraag is te lang (meer dan {limit} tekens). Maak de vraag korter."
SEE_ALSO = "Zie ook"
WEGWIJZER_TIP = (
    "Loop de stappen samen door met de Meldcode-wegwijzer; overleg met je aandachtsfunctionaris "
    "of bel Veilig Thuis (0800-2000) voor advies, ook bij twijfel."
)
SIDE_NOT_FOUND = "Over {side} staat niets in de gevonden bronnen."
LLM_UNAVAILABLE = (
    "Het taalmodel is niet bereikbaar; dit antwoord bestaat uit zinnen uit de bronnen."
)
