-- Grain: one row per source, rule and severity (and, for freshness, per source and gemeente):
-- the quality report that non-analysts see as openbaar/kwaliteit. It holds no input values and
-- no file names — the examples (`voorbeelden`) and the files (`bestand`) stay in the analysts'
-- kwaliteit — only the source, the rule, counts and dates.
-- Inputs: kwaliteit.
with final as (
    select bron, regel, ernst, sum(aantal) as aantal, gemeentecode, laatste_peildatum
    from kwaliteit
    group by bron, regel, ernst, gemeentecode, laatste_peildatum
)

select * from final
order by gemeentecode nulls first, bron, regel, ernst
