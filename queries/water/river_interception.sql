-- name: 重点整治河涌截污工程完工
-- unit: 条
-- kind: level
-- direction: up
-- department: water
-- metrics: river_interception_pct
-- source: 全力推进未达标水体综合整治工程建设，推动污水处理厂扩建工程完工通水，力争实现28条重点整治河涌截污工程完工。
-- qualifier: 力争
-- description: 截污工程完成进度达到100%的重点整治河涌条数（每条河涌按最近一次填报计）
with channels as (
    select year, month, place, value
    from place_stock_asof('river_interception_pct', $year)
),

final as (
    select year, month, count(*) filter (where value >= 100) as value
    from channels
    group by year, month
)

select * from final
