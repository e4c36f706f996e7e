# build/<preset>/cloud-sayings-lambda.zip: the AWS Lambda (provided.al2023) package of the
# binary, with its dynamic loader and shared libraries (cmake/package_lambda.sh).
find_program(CS_ZIP zip)
set(CS_LAMBDA_ZIP ${CMAKE_BINARY_DIR}/cloud-sayings-lambda.zip)
# A release artifact: not made for sanitizer builds (their runtimes are no part of a deployment).
if(CS_ZIP AND NOT CS_SANITIZER)
  add_custom_command(
    OUTPUT ${CS_LAMBDA_ZIP}
    COMMAND ${CMAKE_SOURCE_DIR}/cmake/package_lambda.sh $<TARGET_FILE:cloud-sayings> ${CS_LAMBDA_ZIP}
    DEPENDS cloud-sayings ${CMAKE_SOURCE_DIR}/cmake/package_lambda.sh
    COMMENT "Packaging cloud-sayings-lambda.zip (bootstrap, bundled loader and libraries)"
    VERBATIM)
  add_custom_target(lambda_zip ALL DEPENDS ${CS_LAMBDA_ZIP})
elseif(NOT CS_ZIP)
  message(WARNING "zip not found (scripts/setup.sh installs it): no cloud-sayings-lambda.zip")
endif()
