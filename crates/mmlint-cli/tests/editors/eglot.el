;;; Driven by crates/mmlint-cli/tests/editors.rs (Emacs 28 + eglot 1.9, Debian elpa-eglot):
;;;   MMLINT_FILE=file.c MMLINT_OUT=out.txt emacs --batch -l eglot.el
;;; with `mmlint' on PATH.  Writes flymake's diagnostics ("line type text" lines) and exits,
;;; with status 1 after 60 s without diagnostics.
(package-initialize)
(require 'eglot)
;; --- the set-up of docs/editors.md (Emacs + eglot) ---
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '((c-mode c-ts-mode) . ("mmlint" "lsp"))))
(add-hook 'c-mode-hook #'eglot-ensure)
;; --- end ---
(find-file (getenv "MMLINT_FILE"))
(let ((start (float-time)) diags)
  ;; eglot-ensure connects from the command loop, which batch mode does not run.
  (unless (eglot-current-server) (apply #'eglot (eglot--guess-contact)))
  (while (and (null (setq diags (flymake-diagnostics)))
              (< (- (float-time) start) 60))
    (accept-process-output nil 0.1))
  (unless diags (kill-emacs 1))
  (with-temp-file (getenv "MMLINT_OUT")
    (dolist (d (sort diags (lambda (a b) (< (flymake-diagnostic-beg a)
                                            (flymake-diagnostic-beg b)))))
      (insert (format "%d %s %s\n"
                      (with-current-buffer (flymake-diagnostic-buffer d)
                        (line-number-at-pos (flymake-diagnostic-beg d)))
                      (flymake-diagnostic-type d)
                      (flymake-diagnostic-text d))))))
(kill-emacs 0)
