# With the consumer's provider configuration, accept every share still
# pending, once:
#
#   terraform apply -invoke=action.cloudimages_share_answer.accept_pending
action "cloudimages_share_answer" "accept_pending" {
  config {
    status = "accepted"
  }
}
