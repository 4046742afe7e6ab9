-- Grain: one row per area (buurt … regio), period and risk sector, for areas the KvK input
-- covers (outputs.md §2). Above gemeente, the sum of the covered member gemeenten.
-- Inputs: int_kvk, int_dekking, int_gemeente_naar_boven, stg_sectoren, stg_gebieden.
with gedekt as (
    select d.niveau, d.gebiedscode, d.periode, s.sector
    from int_dekking d
    cross join stg_sectoren s
    where d.bron = 'kvk'
),

lager as (
    select g.niveau, g.gebiedscode, g.periode, g.sector,
           coalesce(k.actief, 0) as actief,
           coalesce(k.nieuw, 0) as nieuw,
           coalesce(k.opgeheven, 0) as opgeheven,
           coalesce(k.kortlevend, 0) as kortlevend
    from gedekt g
    left join int_kvk k
      on k.niveau = g.niveau and k.gebiedscode = g.gebiedscode
     and k.periode = g.periode and k.sector = g.sector
),

boven as (
    select b.niveau, b.gebiedscode, l.periode, l.sector,
           sum(l.actief) as actief, sum(l.nieuw) as nieuw,
           sum(l.opgeheven) as opgeheven, sum(l.kortlevend) as kortlevend
    from lager l
    join int_gemeente_naar_boven b on l.niveau = 'gemeente' and b.gemeentecode = l.gebiedscode
    group by b.niveau, b.gebiedscode, l.periode, l.sector
),

final as (
    select x.niveau, x.gebiedscode, x.periode, x.sector, x.actief, x.nieuw, x.opgeheven, x.kortlevend,
           g.district_code as district
    from (select * from lager union all select * from boven) x
    join stg_gebieden g on g.niveau = x.niveau and g.gebiedscode = x.gebiedscode
)

select * from final
order by case niveau when 'buurt' then 1 when 'wijk' then 2 when 'gemeente' then 3
                     when 'district' then 4 else 5 end,
         gebiedscode, periode, sector
