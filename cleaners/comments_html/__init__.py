"""Reader comments from the HTML markup of blog platforms, read from the page's lxml tree.

Recognised markup (the research note spam_and_comments.md §2 has real examples):
  WordPress    ol.commentlist / ol.comment-list > li.comment: Twenty Ten, the classic div callback,
               HTML5 core markup, WordPress.com highlander, Genesis; replies in ol/ul.children;
               themes that mark no li are read li by li, the text straight in the li
  Blogger      classic dl#comments-block (dt "NAME said..." + dd.comment-body + dd.comment-footer),
               threaded div.comments-content li.comment (cite.user, span.datetime, p.comment-content)
  Typepad      div.comment with the "Posted by: NAME | DATE" footer AFTER the text
  Drupal       7 (div.comment, p.commenter-name, p.comment-time, h3 subject; replies in div.indented),
               9/10 Olivero (article.comment, p.comment__author, p.comment__time, div.comment__content)
  Disqus       the server-rendered fallback ul#dsq-comments (no dates)
Without a platform profile, in this order:
  marked       items marked by class ("comment", "comment-item", "commentbody") or id (comment-12,
               li-comment-12, comment_item_12, c1234) repeated under one parent, replies nested in
               them; a dt is read with its dd, an item with the short footer repeated after it
               ("Posted by: NAME at DATE"); cut out of a parent that also holds the article
  unmarked     a section named for comments (comments_displayed, discussion-comments), or a
               "Comments" heading, followed by blocks of one kind, most of them dated
  generic      #comments / .comments / section.comments holding repeated blocks with an author and text
  last resort  #comments, .commentlist, #disqus_thread ... whose items cannot be read: each paragraph
               of reader prose is kept as a comment without author or date rather than lost
An item's author: the platform paths, then author-like classes, a "by NAME on DATE" byline, a
heading or the bold name it opens with; its date: time/@datetime, date-like classes, the byline;
its text: the text paths, or the item minus its head and chrome.

The whole comment section (list, heading, closed notice, respond form, pingbacks) is removed from
the tree, so that a main-text extractor run afterwards cannot leak comment text into the body.
Every text dropped on the way is returned as a Removal. Nothing is touched when the page has no
comment markup, and no candidate that holds the page's h1 or article body is ever removed.

Modules, from the bottom up:
  markup           XPath building blocks; article, chrome, hidden and form tests on elements
  render           render_lines: the visible text of an element as lines
  chrome           chrome_line_reason and the other tests on lines of a comment section; STEP
  profiles         Profile and the platform profiles (PROFILES, MARKED, GENERIC)
  guards           what may be removed: never the article, not half of the page without markup
  bylines          author and date in the text of a header line
  thread           the thread being read: item ownership, what is consumed, reply parents
  headers          an item's author and date
  item             one comment's text and record; a thread's comments in order
  section          a section: the thread, its wrapper, the removals of what is left
  platforms        sections found by the platform and generic profiles
  marked           sections of items marked by class or id
  unmarked         sections of repeated dated blocks after a comments name or heading
  last_resort      paragraphs of reader prose in a section whose items cannot be read
  chrome_sections  empty comment sections and comment chrome next to a thread
  extract          extract_html_comments, which runs all of the above
"""
from __future__ import annotations

from .chrome import STEP, chrome_line_reason
from .extract import extract_html_comments
from .profiles import GENERIC, MARKED, PROFILES, Profile
from .render import render_lines

__all__ = ["GENERIC", "MARKED", "PROFILES", "STEP", "Profile", "chrome_line_reason", "extract_html_comments",
           "render_lines"]
