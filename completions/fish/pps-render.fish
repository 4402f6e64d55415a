# fish completion for pps-render(1)

complete -c pps-render -s D -r -F -d 'Directory of contacts'
complete -c pps-render -s E -r -F -d 'Event table'
complete -c pps-render -s f -x -a 'text html' -d 'Output format'
complete -c pps-render -s h -l help -d 'Print a usage summary'
complete -c pps-render -s l -x -a 'fr en' -d 'Language'
complete -c pps-render -s o -x -a '(__fish_complete_directories)' -d 'Write one file per pathway into a directory'
complete -c pps-render -s P -r -F -d 'Pathway table, for rcp rows'
complete -c pps-render -s R -r -F -d 'Rcp table, for pathway rows'
complete -c pps-render -s T -r -F -d 'Template'
complete -c pps-render -l version -d 'Print the version'
