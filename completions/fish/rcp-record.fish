# fish completion for rcp-record(1)

# The words of a vocabulary, from the share directory's vocabularies.csv,
# where a site may add some, each after the prefix $2.
function __rcp_record_words
    set -l dir /usr/local/share/parcours
    set -q PARCOURS_SHARE; and set dir $PARCOURS_SHARE
    test -r $dir/vocabularies.csv; or return
    for w in (string replace -rf -- '^'$argv[1]',([^,]+),.*' '$1' <$dir/vocabularies.csv)
        printf '%s%s\n' $argv[2] $w
    end
end

# Operands: input files (fish's default), or field=value for one case.
# rcp_id and recorded_at are derived, never given; ins and icd10 name the
# pathway with -P.
function __rcp_record_operand
    set -l tok (string trim -l -c "'\"" -- (commandline -ct))
    switch $tok
        case 'meeting_kind=*' 'mode=*' 'motive=*' 'guideline_conform=*' \
            'consent_by=*' 'patient_decision=*'
            set -l f (string split -m1 = -- $tok)[1]
            __rcp_record_words $f $f=
        case 'specialties=*' 'proposal=*'
            # a |-list: complete its last word
            set -l pre (string replace -r -- '[^=|]*$' '' $tok)
            set -l f (string split -m1 = -- $tok)[1]
            __rcp_record_words $f $pre
        case '*=*'
            return
        case '*'
            printf '%s\t%s\n' \
                pathway_id= 'the pathway, as pathway-new made its id' \
                ins= 'NIR or NIA of the patient (with -P)' \
                icd10= 'ICD-10 code telling pathways apart (with -P)' \
                meeting_date= 'date of the meeting, YYYY-MM-DD' \
                meeting_kind= 'standard, recourse, rare or pediatric' \
                mode= 'discussed or registered' \
                motive= 'initial, change, relapse or stop' \
                specialties= 'the specialties present, a |-list' \
                proposal= 'the modalities proposed, a |-list' \
                trial_id= 'NCT, EU CT or EudraCT number' \
                guideline= 'the guideline followed' \
                guideline_conform= 'yes or no' \
                consent_by= 'patient, mother, father or guardian' \
                patient_decision= 'accepted, refused or pending' \
                decision_date= 'date of the decision, YYYY-MM-DD' \
                notes= 'free text'
    end
end

# Import maps: *.map files, directories to look into, and the maps of the
# share directory by name.
function __rcp_record_maps
    __fish_complete_suffix .map | string match -r -- '^.+(?:\.map|/)$'
    set -l dir /usr/local/share/parcours
    set -q PARCOURS_SHARE; and set dir $PARCOURS_SHARE
    for f in $dir/*.map
        printf '%s\t%s\n' (string replace -r -- '^.*/(.*)\.map$' '$1' $f) 'shared map'
    end
end

complete -c rcp-record -s a -r -F -d 'Append to an rcp table, under a lock'
complete -c rcp-record -s d -x -a '(printf "%s\t%s\n" , comma ";" semicolon tab TAB pipe "vertical bar")' -d 'Input delimiter'
complete -c rcp-record -s e -x -a 'utf-8 cp1252 latin1 latin9' -d 'Input encoding'
complete -c rcp-record -s h -l help -d 'Print a usage summary'
complete -c rcp-record -s m -x -a '(__rcp_record_maps)' -d 'Import map'
complete -c rcp-record -s o -r -F -d 'Replace a file atomically'
complete -c rcp-record -s P -r -F -d 'The pathway table: checks the pathway, dates and age'
complete -c rcp-record -s R -r -F -d 'The rule table'
complete -c rcp-record -s r -r -F -d 'Reject stream'
complete -c rcp-record -s t -d 'Write TSV'
complete -c rcp-record -s v -d 'Always print the counts and every rejected row'
complete -c rcp-record -l safe-csv -d 'Make cells a spreadsheet would run as formulas text'
complete -c rcp-record -l version -d 'Print the version'
complete -c rcp-record -n 'not string match -q -- "-*" (commandline -ct)' -a '(__rcp_record_operand)'
# After "field=" only the field's values, never files.
complete -c rcp-record -n 'string match -q -- "*=*" (commandline -ct)' -f
