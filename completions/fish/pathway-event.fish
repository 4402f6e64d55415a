# fish completion for pathway-event(1)

# The words of the event_kind vocabulary: from the share directory's
# vocabularies.csv, where a site may add some, else the built-in ones.
function __pathway_event_kinds
    set -l dir /usr/local/share/parcours
    set -q PARCOURS_SHARE; and set dir $PARCOURS_SHARE
    set -l kinds
    if test -r $dir/vocabularies.csv
        set kinds (string replace -rf -- '^event_kind,([^,]+),.*' '$1' <$dir/vocabularies.csv)
    end
    if test (count $kinds) -eq 0
        set kinds announcement pps-delivered treatment-start treatment-end \
            supportive-care visit ald-request protocol-signed ald-granted \
            ald-refused relapse death transfer closed
    end
    printf 'kind=%s\n' $kinds
end

# Operands: input files (fish's default), or field=value for one event.
# recorded_at is derived, never given; ins and icd10 name the pathway with -P.
function __pathway_event_operand
    set -l tok (commandline -ct)
    switch $tok
        case 'kind=*'
            __pathway_event_kinds
        case '*=*'
            return
        case '*'
            printf '%s\t%s\n' \
                pathway_id= 'the pathway, as pathway-new made its id' \
                ins= 'NIR or NIA of the patient (with -P)' \
                icd10= 'ICD-10 code telling pathways apart (with -P)' \
                date= 'date of the event, YYYY-MM-DD' \
                kind= 'kind of event' \
                until= 'end date, YYYY-MM-DD' \
                detail= 'detail, such as the RPPS of an ALD request' \
                source= 'where the event was read'
    end
end

# Import maps: *.map files, directories to look into, and the maps of the
# share directory by name.
function __pathway_event_maps
    __fish_complete_suffix .map | string match -r -- '^.+(?:\.map|/)$'
    set -l dir /usr/local/share/parcours
    set -q PARCOURS_SHARE; and set dir $PARCOURS_SHARE
    for f in $dir/*.map
        printf '%s\t%s\n' (string replace -r -- '^.*/(.*)\.map$' '$1' $f) 'shared map'
    end
end

complete -c pathway-event -s a -r -F -d 'Append to an event table, under a lock'
complete -c pathway-event -s d -x -a '(printf "%s\t%s\n" , comma ";" semicolon tab TAB pipe "vertical bar")' -d 'Input delimiter'
complete -c pathway-event -s e -x -a 'utf-8 cp1252 latin1 latin9' -d 'Input encoding'
complete -c pathway-event -s h -l help -d 'Print a usage summary'
complete -c pathway-event -s m -x -a '(__pathway_event_maps)' -d 'Import map'
complete -c pathway-event -s o -r -F -d 'Replace a file atomically'
complete -c pathway-event -s P -r -F -d 'The pathway table: checks pathway_id, resolves ins'
complete -c pathway-event -s r -r -F -d 'Reject stream'
complete -c pathway-event -s t -d 'Write TSV'
complete -c pathway-event -s v -d 'Always print the counts and every rejected row'
complete -c pathway-event -l safe-csv -d 'Make cells a spreadsheet would run as formulas text'
complete -c pathway-event -l version -d 'Print the version'
complete -c pathway-event -n 'not string match -q -- "-*" (commandline -ct)' -a '(__pathway_event_operand)'
# After "field=" only the field's values, never files.
complete -c pathway-event -n 'string match -q -- "*=*" (commandline -ct)' -f
