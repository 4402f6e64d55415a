# fish completion for pathway-new(1)

# Operands: input files (fish's default), or field=value for one pathway.
# The derived columns (pathway_id, recorded_at) are never given.
function __pathway_new_operand
    set -l tok (commandline -ct)
    switch $tok
        case 'sex=*'
            printf '%s\t%s\n' sex=M male sex=F female
        case '*=*'
            return
        case '*'
            printf '%s\t%s\n' \
                ins= 'NIR or NIA with its key' \
                local_id= 'hospital patient number (IPP)' \
                family_name= 'family name' \
                given_names= 'given names' \
                birth_date= 'date of birth, YYYY-MM-DD' \
                sex= 'M or F' \
                icd10= 'ICD-10 code (C00-D48)' \
                icdo3_topography= 'ICD-O-3 topography' \
                icdo3_morphology= 'ICD-O-3 morphology' \
                diagnosis_date= 'date of diagnosis, YYYY-MM-DD' \
                finess= 'FINESS of the establishment' \
                referent_rpps= 'RPPS of the referring physician' \
                referent_name= 'name of the referring physician' \
                referent_contact= 'contact of the referring physician' \
                team_contact= 'contact of the care team' \
                gp_rpps= 'RPPS of the general practitioner' \
                gp_name= 'name of the general practitioner' \
                gp_contact= 'contact of the general practitioner'
    end
end

# Import maps: *.map files, directories to look into, and the maps of the
# share directory by name.
function __pathway_new_maps
    __fish_complete_suffix .map | string match -r -- '^.+(?:\.map|/)$'
    set -l dir /usr/local/share/parcours
    set -q PARCOURS_SHARE; and set dir $PARCOURS_SHARE
    for f in $dir/*.map
        printf '%s\t%s\n' (string replace -r -- '^.*/(.*)\.map$' '$1' $f) 'shared map'
    end
end

complete -c pathway-new -s a -r -F -d 'Append to a pathway table, under a lock'
complete -c pathway-new -s d -x -a '(printf "%s\t%s\n" , comma ";" semicolon tab TAB pipe "vertical bar")' -d 'Input delimiter'
complete -c pathway-new -s e -x -a 'utf-8 cp1252 latin1 latin9' -d 'Input encoding'
complete -c pathway-new -s h -l help -d 'Print a usage summary'
complete -c pathway-new -s k -r -F -d 'Site key file'
complete -c pathway-new -s m -x -a '(__pathway_new_maps)' -d 'Import map'
complete -c pathway-new -s o -r -F -d 'Replace a file atomically'
complete -c pathway-new -s P -r -F -d 'Known pathways: their ids are skipped'
complete -c pathway-new -s r -r -F -d 'Reject stream'
complete -c pathway-new -s t -d 'Write TSV'
complete -c pathway-new -s v -d 'Always print the counts and every rejected row'
complete -c pathway-new -l pseudonymize -r -F -d 'Write keyed pseudonyms of the direct identifiers'
complete -c pathway-new -l safe-csv -d 'Make cells a spreadsheet would run as formulas text'
complete -c pathway-new -l version -d 'Print the version'
complete -c pathway-new -n 'not string match -q -- "-*" (commandline -ct)' -a '(__pathway_new_operand)'
# After "field=" only the field's values, never files.
complete -c pathway-new -n 'string match -q -- "*=*" (commandline -ct)' -f
