-- Periods of the indicators (data contract section 4).
-- One calendar year per row from the contract's start year to the latest year with accepted
-- data (latest of date_entree, date_sortie, date_seance, funding annee), capped at the
-- contract's end year, plus 'cumul' = contract date_debut .. 31 December of that latest year.
-- With no data at all (or only data before the start year) the latest year is the start year,
-- so the grid always has at least one year and the cumul.
-- annee_fin = "the period's last year" (used by part_financement_securise_n1).
CREATE OR REPLACE TEMP TABLE ind_contrat AS
SELECT code, date_debut, date_fin, date_mi_parcours FROM ref.contrat;

CREATE OR REPLACE TEMP TABLE ind_periodes AS
WITH derniere_donnee AS (
    SELECT max(annee) AS annee FROM (
        SELECT max(year(date_entree)) AS annee FROM staging.participants
        UNION ALL SELECT max(year(date_sortie)) FROM staging.participants
        UNION ALL SELECT max(year(date_seance)) FROM staging.seances
        UNION ALL SELECT max(annee) FROM staging.financements
    )
),
bornes AS (
    SELECT c.date_debut,
        year(c.date_debut) AS premiere,
        greatest(year(c.date_debut),
                 least(coalesce(d.annee, year(c.date_debut)), year(c.date_fin))) AS derniere
    FROM ind_contrat c, derniere_donnee d
)
SELECT CAST(a.annee AS VARCHAR) AS periode, make_date(a.annee, 1, 1) AS debut,
    make_date(a.annee, 12, 31) AS fin, a.annee AS annee_fin, TRUE AS annuelle
FROM bornes, range(bornes.premiere, bornes.derniere + 1) AS a(annee)
UNION ALL
SELECT 'cumul', date_debut, make_date(derniere, 12, 31), derniere, FALSE
FROM bornes;
