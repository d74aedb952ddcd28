-- name: 鱼塘尾水治理
-- unit: 亩
-- kind: cumulative
-- direction: up
-- department: agri
-- metrics: fishpond_tailwater_mu
-- source: 扎实推进厂企雨污分流整治工作，加快推进9个村(社区)的农村生活污水治理项目建设，完成51个小区污水管网改造、745亩鱼塘尾水治理，力促涉水城市面源污染七大行业污水预处理设施覆盖率达到60%。
with reported as (
    select year, month, value
    from figure_current
    where metric = 'fishpond_tailwater_mu' and year = $year
),

final as (
    select year, month, sum(value) as value
    from reported
    group by year, month
)

select * from final
