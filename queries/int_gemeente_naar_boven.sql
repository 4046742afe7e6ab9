-- Grain: one row per gemeente and higher level (district, regio): the bridge along which counts
-- above gemeente are summed from their member gemeenten.
-- Inputs: stg_gebieden.
with final as (
    select gebiedscode as gemeentecode, 'district' as niveau, district_code as gebiedscode
    from stg_gebieden where niveau = 'gemeente'
    union all
    select gebiedscode, 'regio', regio_code
    from stg_gebieden where niveau = 'gemeente'
)

select * from final
