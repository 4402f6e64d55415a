# fish completion for followup-due(1)

complete -c followup-due -s C -r -F -d 'Echocardiography rules'
complete -c followup-due -s E -r -F -d 'Event table'
complete -c followup-due -s h -l help -d 'Print a usage summary'
complete -c followup-due -s n -x -a '(date +%F)' -d 'As-of date, YYYY-MM-DD'
complete -c followup-due -s o -r -F -d 'Replace a file atomically'
complete -c followup-due -s p -d 'Print due and overdue rows only'
complete -c followup-due -s S -r -F -d 'Follow-up schedules'
complete -c followup-due -s t -d 'Write TSV'
complete -c followup-due -s w -x -a '0 15 30 60 90' -d 'Lead time in days'
complete -c followup-due -l pseudonymize -r -F -d 'Write keyed pseudonyms of the direct identifiers'
complete -c followup-due -l safe-csv -d 'Make cells a spreadsheet would run as formulas text'
complete -c followup-due -l version -d 'Print the version'
