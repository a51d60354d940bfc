/*
Report completeness (data contract v2, section 6): marts.completude, one row per expected or
received (code_partenaire, periode, type_fichier). Run by indicators/completeness.py before the
indicators (taux_remontee reads it, and so does 95_periodes.sql).

Settings: ref.calendrier (delai_remontee_jours, date_arrete; defaults 60 days and today when
the table is empty) and ref.rythmes (rythme_remontee per partner; default annuel).

Expected reports: every partner x contract year up to the year of date_arrete x period of its
rhythm (annuel: YYYY; semestriel: YYYY-S1, YYYY-S2) that starts on or before date_arrete and
overlaps one of its actions (an empty action date is unbounded), x the three kinds;
date_limite = last day of the period + delai_remontee_jours.

Received reports: files of ingest.files whose partner is in partenaires.csv, whose period is a
valid one of a contract year and whose kind is known (files refused for an unknown partner or
period folder make no row). Reception date = ingest.files.date_reception (Europe/Paris date of
the file's mtime when first recorded; v1 rows without it fall back on the mtime's date, then
on the date the file was recorded).

Status: recu_a_temps / recu_en_retard from the first accepted file (in force or since
replaced) against date_limite; refuse when files came but none was accepted; manquant when
nothing came and date_limite < date_arrete; attendu when nothing came and date_limite >=
date_arrete; non_attendu for a received report no rule expects (no date_limite, reception
date of its first accepted file, empty when none was accepted).
jours_retard: days after date_limite at reception (recu_en_retard), or at date_arrete
(manquant, and refuse once the due date has passed).
*/
CREATE OR REPLACE TEMP TABLE cmp_parametres AS
SELECT c.date_debut, c.date_fin,
    coalesce((SELECT max(delai_remontee_jours) FROM ref.calendrier), 60) AS delai,
    coalesce((SELECT max(date_arrete) FROM ref.calendrier), current_date) AS date_arrete
FROM ref.contrat AS c;

CREATE OR REPLACE TEMP TABLE cmp_attendus AS
WITH partenaires AS (
    SELECT p.code_partenaire, coalesce(r.rythme_remontee, 'annuel') AS rythme
    FROM ref.partenaires AS p LEFT JOIN ref.rythmes AS r USING (code_partenaire)
),
annees AS (
    SELECT a.annee
    FROM cmp_parametres AS c,
        range(year(c.date_debut), least(year(c.date_fin), year(c.date_arrete)) + 1) AS a(annee)
),
periodes AS (
    SELECT p.code_partenaire, d.periode, d.debut, d.fin
    FROM partenaires AS p
    CROSS JOIN annees AS y
    CROSS JOIN LATERAL (
        SELECT CAST(y.annee AS VARCHAR), make_date(y.annee, 1, 1), make_date(y.annee, 12, 31)
        WHERE p.rythme = 'annuel'
        UNION ALL
        SELECT y.annee || '-S1', make_date(y.annee, 1, 1), make_date(y.annee, 6, 30)
        WHERE p.rythme = 'semestriel'
        UNION ALL
        SELECT y.annee || '-S2', make_date(y.annee, 7, 1), make_date(y.annee, 12, 31)
        WHERE p.rythme = 'semestriel'
    ) AS d(periode, debut, fin)
)
SELECT p.code_partenaire, p.periode, k.type_fichier, p.debut, p.fin,
    p.fin + CAST(c.delai AS INTEGER) AS date_limite
FROM periodes AS p
CROSS JOIN cmp_parametres AS c
CROSS JOIN (VALUES ('participants'), ('seances'), ('financements')) AS k(type_fichier)
WHERE p.debut <= c.date_arrete
    AND EXISTS (
        SELECT 1 FROM ref.actions AS a
        WHERE a.code_partenaire = p.code_partenaire
            AND (a.date_debut IS NULL OR a.date_debut <= p.fin)
            AND (a.date_fin IS NULL OR a.date_fin >= p.debut)
    );

CREATE OR REPLACE TEMP TABLE cmp_recus AS
WITH fichiers AS (
    SELECT f.code_partenaire, f.periode, f.kind AS type_fichier, f.file_id, f.arrival_seq,
        f.status, f.in_force,
        coalesce(f.date_reception, CAST(f.mtime AS DATE), CAST(f.received_at AS DATE))
            AS date_reception,
        CAST(split_part(f.periode, '-', 1) AS INTEGER) AS annee
    FROM ingest.files AS f
    JOIN ref.partenaires AS p USING (code_partenaire)
    WHERE f.kind IN ('participants', 'seances', 'financements')
        AND regexp_full_match(f.periode, '\d{4}(-S[12])?')
)
SELECT code_partenaire, periode, type_fichier,
    CASE WHEN periode LIKE '%-S1' THEN make_date(any_value(annee), 1, 1)
         WHEN periode LIKE '%-S2' THEN make_date(any_value(annee), 7, 1)
         ELSE make_date(any_value(annee), 1, 1) END AS debut,
    CASE WHEN periode LIKE '%-S1' THEN make_date(any_value(annee), 6, 30)
         ELSE make_date(any_value(annee), 12, 31) END AS fin,
    arg_min(date_reception, arrival_seq) FILTER (WHERE status = 'accepte') AS premier_accepte,
    arg_min(file_id, arrival_seq) FILTER (WHERE status = 'accepte') AS file_id_accepte,
    arg_min(date_reception, arrival_seq) FILTER (WHERE status = 'refuse') AS premier_refuse,
    arg_min(file_id, arrival_seq) FILTER (WHERE status = 'refuse') AS file_id_refuse,
    arg_max(file_id, arrival_seq) AS file_id_dernier,
    any_value(file_id) FILTER (WHERE in_force) AS file_id_en_vigueur
FROM fichiers, cmp_parametres AS c
WHERE annee BETWEEN year(c.date_debut) AND year(c.date_fin)
GROUP BY code_partenaire, periode, type_fichier;

DELETE FROM marts.completude;

INSERT INTO marts.completude
WITH lignes AS (
    SELECT coalesce(a.code_partenaire, r.code_partenaire) AS code_partenaire,
        coalesce(a.periode, r.periode) AS periode,
        coalesce(a.type_fichier, r.type_fichier) AS type_fichier,
        coalesce(a.debut, r.debut) AS debut, coalesce(a.fin, r.fin) AS fin,
        a.code_partenaire IS NOT NULL AS attendu, a.date_limite,
        r.premier_accepte, r.premier_refuse, r.file_id_accepte, r.file_id_refuse,
        r.file_id_dernier, r.file_id_en_vigueur, r.code_partenaire IS NOT NULL AS recu
    FROM cmp_attendus AS a
    FULL JOIN cmp_recus AS r USING (code_partenaire, periode, type_fichier)
),
statuts AS (
    SELECT l.*, c.date_arrete,
        CASE
            WHEN NOT l.attendu THEN 'non_attendu'
            WHEN l.file_id_accepte IS NOT NULL AND l.premier_accepte <= l.date_limite
                THEN 'recu_a_temps'
            WHEN l.file_id_accepte IS NOT NULL THEN 'recu_en_retard'
            WHEN l.recu THEN 'refuse'
            WHEN l.date_limite < c.date_arrete THEN 'manquant'
            ELSE 'attendu'
        END AS statut
    FROM lignes AS l, cmp_parametres AS c
)
SELECT code_partenaire, periode, type_fichier, debut, fin, attendu, date_limite,
    CASE WHEN statut = 'refuse' THEN premier_refuse ELSE premier_accepte END AS date_reception,
    statut,
    CASE
        WHEN statut = 'recu_en_retard' THEN premier_accepte - date_limite
        WHEN statut = 'manquant' THEN date_arrete - date_limite
        WHEN statut = 'refuse' AND date_limite < date_arrete THEN date_arrete - date_limite
    END AS jours_retard,
    CASE WHEN statut = 'refuse' THEN file_id_refuse ELSE file_id_accepte END AS file_id,
    coalesce(file_id_en_vigueur, file_id_dernier) AS file_id_en_vigueur
FROM statuts;
