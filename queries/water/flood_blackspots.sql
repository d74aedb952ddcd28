-- name: 水浸黑点整治完成率
-- unit: %
-- kind: ratio
-- direction: up
-- basis: track
-- department: water
-- metrics: blackspot_pct
-- source: 持续开展水浸“黑点”全面整治，完善城镇排水系统建设，助力中山全域海绵城市示范建设。
-- description: 整治完成（进度100%）的水浸黑点占已登记黑点总数的百分比
with registered as (
    select count(*) as spots
    from place
    where kind = 'blackspot'
),

spots as (
    select year, month, place, value
    from place_stock_asof('blackspot_pct', $year)
),

fixed as (
    select year, month, count(*) filter (where value >= 100) as fixed
    from spots
    group by year, month
),

final as (
    select fixed.year, fixed.month, 100.0 * fixed.fixed / nullif(registered.spots, 0) as value
    from fixed cross join registered
)

select * from final
