-- Grain: one row per area (gemeente, district, regio), period and bron (outputs.md §2): the
-- signals that came in through that source or reporting route (`aantal`), so that Σ bron =
-- signalen_totaal of the same area and period. The periods are the table's own (quarters) and
-- each year, the sum of the year's periods inside the gemeente's signal coverage (at the grain
-- `jaar` the periods are years already). A district or regio sums its gemeenten that deliver
-- signals, as gebied_indicatoren does. Every count is a person count under disclosure control.
-- Inputs: stg_signalen, stg_bronnen, stg_perioden, stg_gebieden, int_dekking,
-- int_gemeente_naar_boven.
with gedekt as (
    select d.gebiedscode as gemeentecode, d.periode, b.bron
    from int_dekking d
    cross join stg_bronnen b
    where d.bron = 'signalen' and d.niveau = 'gemeente'
),

per_bron as (
    select gemeentecode, periode, bron, sum(aantal) as aantal
    from stg_signalen
    group by gemeentecode, periode, bron
),

gemeenten as (
    select 'gemeente' as niveau, g.gemeentecode as gebiedscode, g.periode, g.bron,
           coalesce(p.aantal, 0) as aantal
    from gedekt g
    left join per_bron p
      on p.gemeentecode = g.gemeentecode and p.periode = g.periode and p.bron = g.bron
),

perioden as (
    select niveau, gebiedscode, periode, bron, aantal from gemeenten
    union all
    select b.niveau, b.gebiedscode, t.periode, t.bron, sum(t.aantal) as aantal
    from gemeenten t
    join int_gemeente_naar_boven b on b.gemeentecode = t.gebiedscode
    group by b.niveau, b.gebiedscode, t.periode, t.bron
),

jaren as (
    select t.niveau, t.gebiedscode, cast(p.jaar as varchar) as periode, t.bron,
           sum(t.aantal) as aantal
    from perioden t
    join stg_perioden p on p.periode = t.periode
    where p.periode <> cast(p.jaar as varchar)
    group by t.niveau, t.gebiedscode, p.jaar, t.bron
),

final as (
    select a.niveau, a.gebiedscode, a.periode,
           case when length(a.periode) = 4 then 'jaar' else 'periode' end as periodesoort,
           a.bron, b.omschrijving as bron_omschrijving, a.aantal,
           case a.niveau when 'gemeente' then g.district_code
                         when 'district' then a.gebiedscode end as district
    from (select * from perioden union all select * from jaren) a
    join stg_bronnen b on b.bron = a.bron
    left join stg_gebieden g on g.niveau = 'gemeente' and g.gebiedscode = a.gebiedscode
)

select * from final
order by case niveau when 'gemeente' then 1 when 'district' then 2 else 3 end,
         gebiedscode, periode, bron
