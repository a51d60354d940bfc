-- Scopes (data contract section 4): contrat, each pilier used in actions.csv, each partner of
-- partenaires.csv, each action of actions.csv, each QPV of qpv.csv.
-- ind_action_perimetres maps an action to the four scopes it belongs to (its own partner and
-- pilier come from actions.csv, never from the submitting partner of a row): action-level
-- aggregates (sessions, exits, funding) are rolled up by joining it.
CREATE OR REPLACE TEMP TABLE ind_perimetres AS
SELECT 'contrat' AS perimetre_type, code AS perimetre_code FROM ind_contrat
UNION ALL SELECT DISTINCT 'pilier', pilier FROM ref.actions
UNION ALL SELECT 'partenaire', code_partenaire FROM ref.partenaires
UNION ALL SELECT 'action', code_action FROM ref.actions
UNION ALL SELECT 'qpv', code_qpv FROM ref.qpv;

-- perimetre_id numbers the scopes so that per-person steps group on integers.
CREATE OR REPLACE TEMP TABLE ind_action_perimetres AS
SELECT a.code_action, s.perimetre_type, s.perimetre_code,
    dense_rank() OVER (ORDER BY s.perimetre_type, s.perimetre_code) AS perimetre_id
FROM ref.actions a, ind_contrat c,
    LATERAL (VALUES ('action', a.code_action), ('partenaire', a.code_partenaire),
                    ('pilier', a.pilier), ('contrat', c.code)) AS s(perimetre_type, perimetre_code);
