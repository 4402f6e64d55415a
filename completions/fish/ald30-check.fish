# fish completion for ald30-check(1)

complete -c ald30-check -s E -r -F -d 'Event table'
complete -c ald30-check -s h -l help -d 'Print a usage summary'
complete -c ald30-check -s n -x -a '(date +%F)' -d 'As-of date, YYYY-MM-DD'
complete -c ald30-check -s o -r -F -d 'Replace a file atomically'
complete -c ald30-check -s p -d 'Print problem rows only'
complete -c ald30-check -s R -r -F -d 'Rule table'
complete -c ald30-check -s t -d 'Write TSV'
complete -c ald30-check -s w -x -a '30 60 90 120 180' -d 'Days before the end an exemption is expiring'
complete -c ald30-check -l pseudonymize -r -F -d 'Write keyed pseudonyms of the direct identifiers'
complete -c ald30-check -l safe-csv -d 'Make cells a spreadsheet would run as formulas text'
complete -c ald30-check -l version -d 'Print the version'
