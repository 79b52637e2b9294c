create table charges (id varchar(100) not null);
