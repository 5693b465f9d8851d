# fish completion for wb-chat
complete -c wb-chat -f
complete -c wb-chat -s f -l force -d 'take the conversation even from a colleague'
complete -c wb-chat -s d -l db -r -F -d 'database'
complete -c wb-chat -s h -l help -d 'show usage'
complete -c wb-chat -s V -l version -d 'show version'
