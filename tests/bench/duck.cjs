// duck.cjs - run one SQL file in DuckDB (@duckdb/node-api), 2 threads
//
//	NODE_PATH=build-bench/node_modules node duck.cjs FILE.sql name=value...
//
// Each ${name} of the SQL becomes value, quoted for a SQL string literal
// (the values are file names and dates).  Two threads: the machine the
// bench targets has two cores, and DuckDB's default takes them all anyway;
// naming it keeps the runs comparable on a bigger machine.
'use strict';
const fs = require('fs');
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
	const [file, ...defs] = process.argv.slice(2);
	if (!file) {
		process.stderr.write('usage: node duck.cjs FILE.sql name=value...\n');
		process.exit(2);
	}
	const vars = {};
	for (const d of defs) {
		const i = d.indexOf('=');
		vars[d.slice(0, i)] = d.slice(i + 1);
	}
	const sql = fs.readFileSync(file, 'utf8').replace(/\$\{(\w+)\}/g,
	    (m, k) => {
		if (!(k in vars))
			throw new Error(`${file}: no value for ${k}`);
		return vars[k].replace(/'/g, "''");
	});
	const db = await DuckDBInstance.create(':memory:', { threads: '2' });
	const con = await db.connect();
	await con.run(sql);
}

main().catch((e) => {
	process.stderr.write(`duck.cjs: ${e.message}\n`);
	process.exit(1);
});
