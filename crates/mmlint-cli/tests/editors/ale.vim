" Driven by crates/mmlint-cli/tests/editors.rs (Vim 9 + ALE 3.3, Debian vim-ale):
"   MMLINT_FILE=file.c MMLINT_OUT=out.txt vim -N -u ale.vim -i NONE --not-a-term file.c
" with `mmlint` on PATH. Writes ALE's list for the buffer ("line code type text" lines) and
" quits, or quits with exit status 1 after 60 s without diagnostics.
set nocompatible
filetype plugin on
packadd ale
" --- the set-up of docs/editors.md (Vim + ALE) ---
call ale#linter#Define('c', {
\   'name': 'mmlint',
\   'lsp': 'stdio',
\   'executable': 'mmlint',
\   'command': '%e lsp',
\   'project_root': {buffer -> fnamemodify(ale#path#FindNearestFile(buffer, 'compile_commands.json'), ':h')},
\})
let g:ale_linters = {'c': ['mmlint']}
" --- end ---
function! Check(timer) abort
  let l:items = ale#engine#GetLoclist(bufnr('%'))
  if len(l:items) > 0
    call writefile(map(copy(l:items), {_, v -> v.lnum . ' ' . get(v, 'code', '?') . ' ' . v.type . ' ' . v.text}), $MMLINT_OUT)
    qa!
  elseif reltimefloat(reltime(g:t0)) > 60
    cquit!
  endif
endfunction
let g:t0 = reltime()
call timer_start(100, 'Check', {'repeat': -1})
