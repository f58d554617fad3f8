-- search_path is the Kitchen's schema ({{schema}}), so tables need no prefix.
drop table if exists orders_clean;
create table orders_clean as
select id::int as id, lower(trim(region)) as region, amount::numeric(12, 2) as amount, ordered_at::date as ordered_on
from raw_orders
where amount::numeric >= {{params.min_amount}};
