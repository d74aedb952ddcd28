-- name: 劣V类河涌数量
-- unit: 条
-- kind: level
-- direction: down
-- department: env
-- metrics: worse_than_v_rivers
-- basis: maintain
-- source: 坚决打赢水污染治理攻坚战，坚持科学治水、源头治水、系统治水、流域治水不动摇，统筹推进“六污同治”，确保全镇水环境质量持续改善，劣V类河涌数量有效控制。
with reported as (
    select year, month, value
    from figure_current
    where metric = 'worse_than_v_rivers' and year = $year and place is null
),

final as (
    select year, month, value
    from reported
)

select * from final
