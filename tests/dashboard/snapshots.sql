-- Three nights as the nightly run would have stored them, so the dashboard's trend has something
-- to draw: North 1's backlog of very high risk items falling 9, 6, 4; South 1's high risk ones
-- 2, 2, 1.
INSERT INTO backlog_snapshots (as_of, taken_at, policy_version) VALUES
  ('2026-11-19', '2026-11-19T02:00:00Z', 1), ('2026-11-20', '2026-11-20T02:00:00Z', 1),
  ('2026-11-21', '2026-11-21T02:00:00Z', 1);
INSERT INTO backlog_counts (as_of, team_id, risk_level, age_band, items)
  SELECT n.as_of, t.id, 'very_high', '31-90', n.items FROM teams t,
    (SELECT '2026-11-19' AS as_of, 9 AS items UNION ALL SELECT '2026-11-20', 6
     UNION ALL SELECT '2026-11-21', 4) n WHERE t.name = 'North 1';
INSERT INTO backlog_counts (as_of, team_id, risk_level, age_band, items)
  SELECT n.as_of, t.id, 'high', 'over_365', n.items FROM teams t,
    (SELECT '2026-11-19' AS as_of, 2 AS items UNION ALL SELECT '2026-11-20', 2
     UNION ALL SELECT '2026-11-21', 1) n WHERE t.name = 'South 1';
