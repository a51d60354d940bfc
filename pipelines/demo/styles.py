"""How each partner types its reports: format, headers, labels, dates, amounts, names.

Headers only use forms the data contract promises to recognise (section 2); columns whose
key starts with '_' are extra columns a partner adds for itself (ignored by the pipeline).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.contract import CONTRACT

PARTICIPANTS_FORMAL = (
    ("id_participant", "N° participant"),
    ("code_action", "Code action"),
    ("_libelle", "Intitulé de l'action"),
    ("sexe", "Sexe (F/H)"),
    ("annee_naissance", "Année de naissance"),
    ("code_qpv", "Code QPV"),
    ("niveau_formation", "Niveau de formation"),
    ("inscrit_france_travail", "Inscrit France Travail"),
    ("prescripteur", "Prescripteur"),
    ("freins", "Freins (plusieurs choix possibles)"),
    ("date_entree", "Date d'entrée"),
    ("date_sortie", "Date de sortie"),
    ("motif_sortie", "Motif de sortie"),
    ("_obs", "Observations"),
)
PARTICIPANTS_PLAIN = (
    ("id_participant", "Identifiant"),
    ("code_action", "Code action"),
    ("date_entree", "Date d'entrée"),
    ("date_sortie", "Date de sortie"),
    ("motif_sortie", "Motif de sortie"),
    ("sexe", "Sexe"),
    ("annee_naissance", "Année de naissance"),
    ("code_qpv", "Code QPV"),
    ("_quartier", "Quartier"),
    ("niveau_formation", "Niveau de formation"),
    ("inscrit_france_travail", "Inscrit France Travail (O/N)"),
    ("freins", "Freins"),
    ("prescripteur", "Prescripteur"),
)
PARTICIPANTS_FJT = (
    ("id_participant", "Identifiant participant"),
    ("code_action", "Code action"),
    ("date_entree", "Date d'entrée"),
    ("date_sortie", "Date de sortie"),
    ("motif_sortie", "Motif de sortie"),
    ("sexe", "Sexe (F/H)"),
    ("annee_naissance", "Année de naissance"),
    ("code_qpv", "Code QPV"),
    ("niveau_formation", "Niveau de formation"),
    ("inscrit_france_travail", "Inscrit France Travail"),
    ("freins", "Freins"),
    ("prescripteur", "Prescripteur"),
    ("_obs", "Observations"),
)
PARTICIPANTS_SNAKE = tuple((c.name, c.name) for c in CONTRACT.kind("participants").columns)
PARTICIPANTS_TEMPLATE = (
    ("id_participant", "ID participant"),
    ("code_action", "Code_action"),
    ("date_entree", "Date_entree"),
    ("date_sortie", "Date_sortie"),
    ("motif_sortie", "Motif_sortie"),
    ("sexe", "Sexe"),
    ("annee_naissance", "Annee_naissance"),
    ("code_qpv", "Code_QPV"),
    ("niveau_formation", "Niveau_formation"),
    ("inscrit_france_travail", "Inscrit_France_Travail"),
    ("freins", "Freins"),
    ("prescripteur", "Prescripteur"),
)


def _seances(id_header: str, presence_header: str = "Présence") -> tuple:
    return (
        ("id_participant", id_header),
        ("code_action", "Code action"),
        ("date_seance", "Date de séance"),
        ("presence", presence_header),
    )


FINANCEMENTS_HUMAN = (
    ("code_action", "Code action"),
    ("_libelle", "Intitulé de l'action"),
    ("annee", "Année"),
    ("financeur", "Financeur"),
    ("montant_accorde", "Montant accordé (€)"),
    ("type_convention", "Type de convention"),
    ("date_debut", "Date de début"),
    ("date_fin", "Date de fin"),
)
FINANCEMENTS_SNAKE = tuple(
    (c, c)
    for c in (
        "code_action",
        "annee",
        "financeur",
        "montant_accorde",
        "type_convention",
        "date_debut",
        "date_fin",
    )
)

MOTIF_HUMAN = {
    "emploi_durable": "Emploi durable",
    "emploi_transition": "Emploi transition",
    "formation_qualifiante": "Formation qualifiante",
    "creation_activite": "Création activité",
    "abandon": "Abandon",
    "demenagement": "Déménagement",
    "autre": "Autre",
}


@dataclass(frozen=True)
class Style:
    fmt: str  # xlsx | xls | ods | csv
    names: dict[str, str]  # kind -> file name pattern with {periode}
    headers: dict[str, tuple]  # kind -> ((column, header), ...) in file order
    encoding: str = "utf-8"
    sep: str = ";"
    sexe: tuple[str, str] = ("F", "H")
    bools: tuple[str, str] = ("oui", "non")
    presence: dict[str, str] = field(default_factory=dict)  # canonical -> label
    motif: dict[str, str] = field(default_factory=dict)
    dates: str = "cell"  # cell | dmy | dmy_short | iso
    exit_dates: str | None = None  # a different habit for date_sortie (e.g. 'yy')
    session_dates: str | None = None  # e.g. 'datetime' cells with the session's hour
    amounts: str = "number"  # number | fr | dot
    frein_sep: str = ";"
    frein_accents: bool = False
    titles: int = 0  # title rows above the header
    blank_after_titles: bool = False
    total_row: bool = False
    notice: bool = False
    kind_formats: dict[str, str] = field(default_factory=dict)  # kind -> other format


STYLES: dict[str, Style] = {
    # Spreadsheet kept by hand: titles, Excel dates, a Total line, human labels.
    "MLCAEN": Style(
        fmt="xlsx",
        names={
            "participants": "Participants_{periode}_MLCAEN.xlsx",
            "seances": "Presences_{periode}_MLCAEN.xlsx",
            "financements": "Financements_{periode}_MLCAEN.xlsx",
        },
        headers={
            "participants": PARTICIPANTS_FORMAL,
            "seances": _seances("N° participant"),
            "financements": FINANCEMENTS_HUMAN,
        },
        bools=("Oui", "non"),
        presence={"present": "Présent", "absent": "Absent", "excuse": "Excusé"},
        motif=MOTIF_HUMAN,
        session_dates="datetime",
        frein_sep=", ",
        frein_accents=True,
        titles=2,
        blank_after_titles=True,
        total_row=True,
    ),
    # CSV saved from French Excel: Windows-1252, ';', decimal commas, dd/mm/yyyy.
    "MEFAC": Style(
        fmt="csv",
        encoding="cp1252",
        sep=";",
        names={
            "participants": "participants_{periode}.csv",
            "seances": "seances_{periode}.csv",
            "financements": "financements_{periode}.csv",
        },
        headers={
            "participants": PARTICIPANTS_PLAIN,
            "seances": _seances("Identifiant"),
            "financements": FINANCEMENTS_HUMAN,
        },
        sexe=("Femme", "Homme"),
        presence={"present": "présent", "absent": "absent", "excuse": "excusé"},
        dates="dmy",
        amounts="fr",
        frein_sep=", ",
        frein_accents=True,
        titles=1,
        total_row=True,
    ),
    # Driving school: text dates typed as dd/mm/yyyy, P/A/E attendance.
    "FJTET": Style(
        fmt="xlsx",
        names={
            "participants": "participants_{periode}.xlsx",
            "seances": "Séances_{periode}.xlsx",
            "financements": "financements_{periode}.xlsx",
        },
        headers={
            "participants": PARTICIPANTS_FJT,
            "seances": _seances("Identifiant participant", "Présence (P/A/E)"),
            "financements": FINANCEMENTS_HUMAN,
        },
        bools=("O", "N"),
        presence={"present": "P", "absent": "A", "excuse": "E"},
        dates="dmy",
        titles=1,
        total_row=True,
    ),
    # Export of the platform's own software: UTF-8 with BOM, ',' and ISO dates.
    "MOBILAGGLO": Style(
        fmt="csv",
        encoding="utf-8-sig",
        sep=",",
        names={
            "participants": "participants-mobagglo-{periode}.csv",
            "seances": "seances-mobagglo-{periode}.csv",
            "financements": "financements-mobagglo-{periode}.csv",
        },
        headers={
            "participants": PARTICIPANTS_SNAKE,
            "seances": _seances("id_participant", "presence"),
            "financements": FINANCEMENTS_SNAKE,
        },
        sexe=("F", "M"),
        bools=("1", "0"),
        dates="iso",
        amounts="dot",
    ),
    # National template: old .xls the first year, then .xlsx with an instructions sheet.
    "AFPA14": Style(
        fmt="xlsx",
        names={
            "participants": "PARTICIPANTS_AFPA_{periode}.{ext}",
            "seances": "SEANCES_AFPA_{periode}.{ext}",
            "financements": "FINANCEMENTS_AFPA_{periode}.{ext}",
        },
        headers={
            "participants": PARTICIPANTS_TEMPLATE,
            "seances": _seances("Identifiant"),
            "financements": FINANCEMENTS_HUMAN,
        },
        sexe=("Femme", "Homme"),
        bools=("Vrai", "Faux"),
        presence={"present": "Présent", "absent": "Absent", "excuse": "Excusé"},
        exit_dates="yy",
        titles=1,
        notice=True,
    ),
    # Small association: LibreOffice files, presences in a quick CSV.
    "CSCGDD": Style(
        fmt="ods",
        names={
            "participants": "participants_CSC_{periode}.ods",
            "seances": "presences_CSC_{periode}.csv",
            "financements": "financements_CSC_{periode}.ods",
        },
        headers={
            "participants": PARTICIPANTS_FJT[:-1],
            "seances": _seances("Identifiant"),
            "financements": FINANCEMENTS_HUMAN,
        },
        presence={"present": "Présent", "absent": "A", "excuse": "excusé"},
        titles=1,
        total_row=True,
        kind_formats={"seances": "csv"},
        encoding="cp1252",
    ),
}

# Plain benchmark mode: one UTF-8 ';' CSV per kind, canonical columns and values.
PLAIN_NAMES = {k: f"{k}_{{periode}}.csv" for k in ("participants", "seances", "financements")}

PERIOD_WORDS = {
    "2024": "année 2024",
    "2025-S1": "1er semestre 2025",
    "2025-S2": "2nd semestre 2025",
    "2025": "année 2025",
    "2026-S1": "1er semestre 2026",
}
KIND_WORDS = {
    "participants": "liste des participants",
    "seances": "suivi des présences",
    "financements": "plan de financement",
}
