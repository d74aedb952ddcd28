-- name: 市场主体总量
-- unit: 家
-- kind: level
-- direction: up
-- department: market
-- metrics: market_entities
-- basis: reach
-- source: 进一步降低企业开办成本，提升企业开办便利度，激发市场主体活力，推动市场主体总量突破3万家。
with reported as (
    select year, month, value
    from figure_current
    where metric = 'market_entities' and year = $year and place is null
),

final as (
    select year, month, value
    from reported
)

select * from final
