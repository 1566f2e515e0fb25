"""French for the member questionnaire and a few UI strings (written for these tests), and a
helper that fills a .po file the way a translator's editor would."""

from __future__ import annotations

from pathlib import Path

from babel.messages import pofile

MEMBER_FR = {
    "member:title": "Ce que ce groupe représente pour moi",
    "member:description": (
        "Quelques questions courtes sur ce que ce groupe vous apporte. Pour chacune, choisissez "
        "à quelle fréquence cela vous arrive. Il n'y a pas de bonne ou de mauvaise réponse. "
        "Cela prend environ 5 minutes. Si une question ne correspond pas à votre situation, "
        "vous pouvez dire qu'elle ne s'applique pas à vous ; si vous préférez ne pas répondre, "
        "vous pouvez choisir de ne pas le dire."
    ),
    "member:scale:1": "Jamais",
    "member:scale:2": "Rarement",
    "member:scale:3": "Parfois",
    "member:scale:4": "Souvent",
    "member:scale:5": "Toujours",
    "member:item:coping_1": "Dans ce groupe, j'apprends des façons de traverser les moments durs.",
    "member:item:emotion_1": "Pendant les réunions, je remarque en moi des émotions que je ne voyais pas avant.",
    "member:item:problem_solving_1": "Quand un problème de tous les jours arrive, je reste bloqué·e.",
    "member:item:support_1": "J'aide d'autres membres, par exemple en écoutant ou en partageant ce que je sais.",
    "member:item:trust_1": "Je peux raconter au groupe ce qui m'est arrivé sans être jugé·e.",
    "member:item:identity_1": "Dans ce groupe, je vois en moi de bonnes choses qui aident mon rétablissement.",
    "member:item:networks_1": "Entre les réunions, je peux compter sur des personnes du groupe.",
    "member:item:agency_1": "Quand le groupe a besoin de quelque chose, comme animer une réunion, je laisse faire les autres.",
    "member:item:coping_2": "Quand la vie devient dure, j'utilise ce que j'ai appris ici pour continuer.",
    "member:item:emotion_2": "Je sors des réunions aussi perdu·e dans mes émotions qu'en arrivant.",
    "member:item:problem_solving_2": "Pour les problèmes de tous les jours, comme les factures ou les papiers, je sais quelles étapes suivre.",
    "member:item:support_2": "Je reçois de l'aide de personnes du groupe quand j'en ai besoin.",
    "member:item:trust_2": "J'ai peur que le groupe me juge si je raconte ce qui m'est arrivé.",
    "member:item:identity_2": "Ce groupe m'aide à accepter mon histoire, le bon comme le mauvais.",
    "member:item:networks_2": "Quand une réunion se termine, je me sens seul·e avec mes problèmes jusqu'à la suivante.",
    "member:item:agency_2": "J'utilise au travail, à la maison ou dans mon quartier ce que j'ai appris ici.",
    "member:item:support_3": "Dans ce groupe, nous faisons des choses ensemble pour prendre soin de notre santé mentale.",
}

UI_FR = {
    "language:name": "Français",
    "ui:report.title": "Rapport du bilan du groupe",
    "ui:report.members": "Membres",
    "ui:cli.item_prompt": "Votre réponse",
    "ui:cli.thanks": "Merci. Toutes vos réponses sont enregistrées.",
    "ui:cli.stopped": "Arrêt à la question {n} sur {total}. Vos réponses sont enregistrées.",
    "component:trust:name": "Confiance",
    "band:strong": "solide",
}


def fill(po: Path, texts: dict[str, str], fuzzy: tuple[str, ...] = ()) -> Path:
    """Put `texts` (by msgctxt) into the .po file's msgstr, as a translator's editor does."""
    with open(po, "rb") as fh:
        catalog = pofile.read_po(fh)
    for message in catalog:
        if message.context in texts:
            message.string = texts[message.context]
        if message.context in fuzzy:
            message.flags.add("fuzzy")
    with open(po, "wb") as fh:
        pofile.write_po(fh, catalog, width=0)
    return po
