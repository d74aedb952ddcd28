-- name: 城乡生活垃圾无害化处理率
-- unit: %
-- kind: ratio
-- direction: up
-- department: urban
-- metrics: waste_harmless_t, waste_total_t
-- basis: maintain
-- source: 深入推进生活垃圾分类，确保城乡生活垃圾无害化处理率达100%。
-- qualifier: 确保
-- description: 年初至当月无害化处理量 ÷ 产生量
with monthly as (
    select
        year,
        month,
        sum(value) filter (where metric = 'waste_harmless_t') as harmless,
        sum(value) filter (where metric = 'waste_total_t') as total
    from figure_current
    where metric in ('waste_harmless_t', 'waste_total_t') and year = $year
    group by year, month
),

complete as (
    select *
    from monthly
    where harmless is not null and total is not null
),

final as (
    select year, month, 100.0 * sum(harmless) over ytd / nullif(sum(total) over ytd, 0) as value
    from complete
    window ytd as (order by month)
)

select * from final
