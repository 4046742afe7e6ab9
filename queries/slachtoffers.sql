-- Grain: one row per area (gemeente, district, regio), year, dimension and category
-- (outputs.md §2): the victims of the year (`aantal`) in the one-way breakdowns by source,
-- form, age class and gender, and their total — never the cross-table. Every category of a
-- dimension has a row (0 where none), so each breakdown sums to the total. A gemeente has rows
-- for the years it delivered; a district or regio sums its gemeenten that delivered, and
-- `gemeenten_geleverd` says how many of its `gemeenten` those are. Every count is a person
-- count under disclosure control. `volgorde` is the category's place in the report.
-- Inputs: stg_slachtoffers, stg_slachtoffer_categorieen, stg_gebieden, int_gemeente_naar_boven.
with geleverd as (
    select distinct gemeentecode, jaar from stg_slachtoffers
),

-- The total, then one breakdown per input column (`SLACHTOFFERDIMENSIES`).
per_categorie as (
    select gemeentecode, jaar, 'totaal' as dimensie, 'totaal' as waarde, sum(aantal) as aantal
    from stg_slachtoffers group by gemeentecode, jaar
{% for d in slachtofferindelingen %}
    union all
    select gemeentecode, jaar, '{{ d }}', {{ d }}, sum(aantal)
    from stg_slachtoffers group by gemeentecode, jaar, {{ d }}
{% endfor %}
),

gemeenten as (
    select 'gemeente' as niveau, g.gemeentecode as gebiedscode, g.jaar, c.dimensie, c.waarde,
           coalesce(p.aantal, 0) as aantal,
           1 as gemeenten_geleverd
    from geleverd g
    cross join stg_slachtoffer_categorieen c
    left join per_categorie p
      on p.gemeentecode = g.gemeentecode and p.jaar = g.jaar
     and p.dimensie = c.dimensie and p.waarde = c.waarde
),

boven as (
    select b.niveau, b.gebiedscode, t.jaar, t.dimensie, t.waarde,
           sum(t.aantal) as aantal,
           sum(t.gemeenten_geleverd) as gemeenten_geleverd
    from gemeenten t
    join int_gemeente_naar_boven b on b.gemeentecode = t.gebiedscode
    group by b.niveau, b.gebiedscode, t.jaar, t.dimensie, t.waarde
),

leden as (
    select niveau, gebiedscode, count(*) as gemeenten
    from int_gemeente_naar_boven
    group by niveau, gebiedscode
),

final as (
    select a.niveau, a.gebiedscode, a.jaar, a.dimensie, c.dimensie_omschrijving,
           a.waarde, c.waarde_omschrijving, c.volgorde, a.aantal,
           cast(a.gemeenten_geleverd as bigint) as gemeenten_geleverd,
           cast(coalesce(l.gemeenten, 1) as bigint) as gemeenten,
           case a.niveau when 'gemeente' then g.district_code
                         when 'district' then a.gebiedscode end as district
    from (select * from gemeenten union all select * from boven) a
    join stg_slachtoffer_categorieen c on c.dimensie = a.dimensie and c.waarde = a.waarde
    left join leden l on l.niveau = a.niveau and l.gebiedscode = a.gebiedscode
    left join stg_gebieden g on g.niveau = 'gemeente' and g.gebiedscode = a.gebiedscode
)

select * from final
order by case niveau when 'gemeente' then 1 when 'district' then 2 else 3 end,
         gebiedscode, jaar, volgorde
