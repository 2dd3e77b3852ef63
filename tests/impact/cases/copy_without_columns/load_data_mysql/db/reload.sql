LOAD DATA INFILE '/var/lib/mysql-files/stock.csv' INTO TABLE stock_levels FIELDS TERMINATED BY ','; -- depmap-expect: copy-without-columns breaking
