# hetgrid_pop_line(<text variable> <line variable>): moves the first line of a text that ends in
# "\n" into the line variable. The scripts walk lines by hand: rules' messages hold ';' and '[',
# which CMake lists would split or mangle.
macro(hetgrid_pop_line text line)
  string(FIND "${${text}}" "\n" hetgrid_nl)
  string(SUBSTRING "${${text}}" 0 ${hetgrid_nl} ${line})
  math(EXPR hetgrid_nl "${hetgrid_nl} + 1")
  string(SUBSTRING "${${text}}" ${hetgrid_nl} -1 ${text})
endmacro()
