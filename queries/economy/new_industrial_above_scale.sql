-- name: 新增规模以上工业企业
-- unit: 家
-- kind: cumulative
-- direction: up
-- department: econ
-- metrics: new_industrial_above_scale
-- source: 深入实施“个转企、小升规、规改股、股上市”市场主体培育计划，全面促进小微企业提档升级和扩量提质发展，力争全年新增规模以上工业企业35家以上，新增规模以上服务业、限额以上批零住餐企业12家以上，加快形成大型企业引领、中型企业支撑、小型企业筑基的良好生态。
-- qualifier: 力争
with reported as (
    select year, month, value
    from figure_current
    where metric = 'new_industrial_above_scale' and year = $year
),

final as (
    select year, month, sum(value) as value
    from reported
    group by year, month
)

select * from final
