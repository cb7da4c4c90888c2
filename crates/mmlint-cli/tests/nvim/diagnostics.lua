-- Driven by crates/mmlint-cli/tests/neovim.rs (Neovim 0.7+, headless):
--   MMLINT_BIN=... MMLINT_FILE=file.c MMLINT_OUT=out.txt \
--     nvim --headless --clean -c 'luafile diagnostics.lua'
-- (not `-u`: with Neovim 0.7.2 that run hung until killed, no diagnostics arriving)
-- Opens MMLINT_FILE with mmlint attached as in docs/editors.md, waits for its diagnostics,
-- writes them to MMLINT_OUT and quits (exit status 1 on a Lua error or time-out).
-- MMLINT_SUPPRESS_FIRST=1: then applies the first finding's suppression code action;
-- MMLINT_FIX_LINE=N: the fix code action of the finding on line N.
local bin = assert(os.getenv('MMLINT_BIN'), 'MMLINT_BIN')
local file = assert(os.getenv('MMLINT_FILE'), 'MMLINT_FILE')
local out = assert(os.getenv('MMLINT_OUT'), 'MMLINT_OUT')
local timeout_ms = tonumber(os.getenv('MMLINT_TIMEOUT_MS') or '120000')

local logs = {}
local t0 = vim.loop.hrtime()

-- The set-up of docs/editors.md (Neovim 0.7), with the built binary and a log handler.
local mmlint_client
-- Vim's filetype for *.h is cpp unless g:c_syntax_for_h is set.
vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'c', 'cpp' },
  callback = function(args)
    mmlint_client = mmlint_client or vim.lsp.start_client({
      name = 'mmlint',
      cmd = { bin, 'lsp' },
      handlers = {
        ['window/logMessage'] = function(_, result)
          table.insert(logs, result.message)
        end,
      },
    })
    vim.lsp.buf_attach_client(args.buf, mmlint_client)
  end,
})

local function finish(lines, status)
  local f = assert(io.open(out, 'w'))
  f:write(table.concat(lines, '\n'), '\n')
  f:close()
  vim.cmd(status == 0 and 'qa!' or 'cq!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local got = vim.wait(timeout_ms, function()
    return #vim.diagnostic.get(buf) > 0
  end, 10)
  local elapsed = (vim.loop.hrtime() - t0) / 1e6
  local lines = { string.format('filetype %s', vim.bo[buf].filetype) }
  table.insert(lines, string.format('elapsed_ms %d', elapsed))
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(lines, string.format('diag %d %d %d %s %d %s', d.lnum + 1, d.col + 1,
      d.severity, tostring(d.code), #(lsp.relatedInformation or {}), d.message))
  end
  for _, l in ipairs(logs) do
    table.insert(lines, 'log ' .. l:gsub('\n', ' | '))
  end
  if not got then
    table.insert(lines, 'timeout')
  elseif os.getenv('MMLINT_SUPPRESS_FIRST') == '1' then
    -- The suppression code action on the first finding, applied by Neovim itself; the
    -- re-analysis of the edited buffer must drop exactly that finding.
    local before = vim.diagnostic.get(buf)
    local first = before[1]
    local pos = { line = first.lnum, character = first.col }
    local res = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = { start = pos, ['end'] = pos },
      context = { diagnostics = {} },
    }, 10000)
    local action
    for _, r in pairs(res or {}) do
      for _, a in ipairs(r.result or {}) do
        if a.title:find('^Suppress') then
          action = action or a
        end
      end
    end
    if not action then
      table.insert(lines, 'no suppression action')
      return finish(lines, 1)
    end
    vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
    table.insert(lines, 'inserted ' .. vim.api.nvim_buf_get_lines(buf, first.lnum, first.lnum + 1, true)[1])
    local gone = vim.wait(timeout_ms, function()
      return #vim.diagnostic.get(buf) == #before - 1
    end, 10)
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(lines, string.format('after %d %s', d.lnum + 1, tostring(d.code)))
    end
    if not gone then
      table.insert(lines, 'timeout')
      got = false
    end
  end
  if got and os.getenv('MMLINT_FIX_LINE') then
    -- The fix of the finding on line MMLINT_FIX_LINE (the action that is not a
    -- suppression), applied by Neovim; the buffer is written out for the test to check.
    local fix_line = tonumber(os.getenv('MMLINT_FIX_LINE') or '0')
    local first
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.lnum + 1 == fix_line then
        first = d
      end
    end
    if not first then
      table.insert(lines, 'no finding on line ' .. fix_line)
      return finish(lines, 1)
    end
    local pos = { line = first.lnum, character = first.col }
    local res = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = { start = pos, ['end'] = pos },
      context = { diagnostics = {} },
    }, 10000)
    local action
    for _, r in pairs(res or {}) do
      for _, a in ipairs(r.result or {}) do
        if a.edit and not a.title:find('^Suppress') then
          action = action or a
        end
      end
    end
    if not action then
      table.insert(lines, 'no fix action')
      return finish(lines, 1)
    end
    table.insert(lines, 'fix ' .. action.title)
    vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
    for _, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, true)) do
      table.insert(lines, 'buffer ' .. l)
    end
  end
  finish(lines, got and 0 or 1)
end)
if not ok then
  finish({ 'error ' .. tostring(err) }, 1)
end
